import { spawn } from "node:child_process";

/**
 * systemd notifications (READY=1, WATCHDOG=1, STOPPING=1) to $NOTIFY_SOCKET. The socket is a
 * Unix datagram socket, which none of Node, Bun or Deno can open without native code, so the
 * message is handed to the `systemd-notify` program, with `--pid` set to this process (the unit
 * needs `NotifyAccess=all`). Without $NOTIFY_SOCKET, or without that program, it does nothing.
 */
export function notifySystemd(state: "READY=1" | "WATCHDOG=1" | "STOPPING=1"): Promise<boolean> {
  if (typeof process === "undefined" || !process.env.NOTIFY_SOCKET) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const child = spawn("systemd-notify", [`--pid=${process.pid}`, state], { stdio: "ignore" });
      child.on("error", () => resolve(false));
      child.on("exit", (code) => resolve(code === 0));
    } catch {
      resolve(false);
    }
  });
}

/** A web page has no systemd to notify. */
export function notifySystemd(_state: "READY=1" | "WATCHDOG=1" | "STOPPING=1"): Promise<boolean> {
  return Promise.resolve(false);
}

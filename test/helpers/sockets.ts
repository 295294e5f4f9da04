import { afterEach } from "vitest";
import type { Socket } from "../../src/zmq/index.js";

const open: Array<{ close(): void }> = [];

/** Registers sockets for closing after the test, whatever its outcome (any with close(): the drafts too). */
export function track<T extends { close(): void }>(socket: T): T {
  open.push(socket);
  return socket;
}

afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

export async function bound<T extends Socket>(socket: T, endpoint = "tcp://127.0.0.1:0"): Promise<T> {
  track(socket);
  await socket.bind(endpoint);
  return socket;
}

export const text = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString());

/** Repeats `action` until `done` resolves: for PUB/SUB, where the subscription travels first. */
export async function repeatUntil<T>(action: () => unknown, done: Promise<T>, everyMs = 10): Promise<T> {
  const timer = setInterval(action, everyMs);
  try {
    return await done;
  } finally {
    clearInterval(timer);
  }
}

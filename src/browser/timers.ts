/**
 * node:timers in a web page: setImmediate as a message to ourselves (not clamped like setTimeout).
 * The channel is made on first use and, where the runtime can (the bundle loaded by Node for
 * server-side rendering or in a test runner), does not keep the process running.
 */
type Port = { postMessage(message: unknown): void; onmessage: (() => void) | null; unref?(): void };

const queue: Array<() => void> = [];
let sender: Port | undefined;

function channel(): Port {
  if (sender) return sender;
  const { port1, port2 } = new MessageChannel() as unknown as { port1: Port; port2: Port };
  port1.onmessage = () => {
    for (const run of queue.splice(0)) run();
  };
  port1.unref?.();
  port2.unref?.();
  sender = port2;
  return sender;
}

export function setImmediate(run: (...args: unknown[]) => void, ...args: unknown[]): number {
  if (queue.push(() => run(...args)) === 1) channel().postMessage(0);
  return 0;
}

export const setTimeout = globalThis.setTimeout.bind(globalThis);
export const clearTimeout = globalThis.clearTimeout.bind(globalThis);
export const setInterval = globalThis.setInterval.bind(globalThis);
export const clearInterval = globalThis.clearInterval.bind(globalThis);

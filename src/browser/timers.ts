/** node:timers in a web page: setImmediate as a message to ourselves (not clamped like setTimeout). */
const channel = new MessageChannel();
const queue: Array<() => void> = [];
(channel.port1 as unknown as { onmessage: () => void }).onmessage = () => {
  for (const run of queue.splice(0)) run();
};

export function setImmediate(run: (...args: unknown[]) => void, ...args: unknown[]): number {
  if (queue.push(() => run(...args)) === 1) channel.port2.postMessage(0);
  return 0;
}

export const setTimeout = globalThis.setTimeout.bind(globalThis);
export const clearTimeout = globalThis.clearTimeout.bind(globalThis);
export const setInterval = globalThis.setInterval.bind(globalThis);
export const clearInterval = globalThis.clearInterval.bind(globalThis);

/**
 * node:worker_threads in a web page: only the BroadcastChannel that inproc across Web Workers
 * uses (the page's own; without it, as in very old browsers, inproc stays within one thread).
 */
export const BroadcastChannel = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel as
  | (new (
      name: string,
    ) => {
      postMessage(message: unknown): void;
      close(): void;
      onmessage: ((event: { data: unknown }) => void) | null;
    })
  | undefined;

/** A page is a main thread; a Web Worker is not. */
export const isMainThread = typeof (globalThis as { window?: unknown }).window !== "undefined";

/**
 * AbortSignal plumbing shared by the RPC client and the sockets: an aborted operation rejects at
 * once with the signal's reason (as fetch and node:timers/promises do), and whatever it was
 * waiting for is then dropped.
 */

const nothing = (): void => {};

/** Calls `aborted(reason)` when `signal` aborts (at once when it already has); returns the unwatch. */
export function whenAborted(signal: AbortSignal | undefined, aborted: (reason: unknown) => void): () => void {
  if (!signal) return nothing;
  if (signal.aborted) {
    aborted(signal.reason);
    return nothing;
  }
  const listener = (): void => aborted(signal.reason);
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

/** `promise`, or a rejection with the signal's reason if it aborts first. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const unwatch = whenAborted(signal, reject);
    promise.then(
      (value) => {
        unwatch();
        resolve(value);
      },
      (error: unknown) => {
        unwatch();
        reject(error);
      },
    );
  });
}

/**
 * Waiting, for test/ and conformance/ alike (test/ imports conformance/helpers, never the other
 * way). A test that waits for something to happen elsewhere awaits it: an event, a message, a
 * promise, or else a condition through `until()`, always bounded in time. A fixed wait holds on
 * a loaded two-core machine only by luck, so `settle()` is kept for what no event can show: an
 * absence (nothing arrives, nothing reconnects, within N ms) or pacing (a steady stream, a reader
 * slower than a timeout). Each call of it says which.
 */

/** Waits `ms`: for an absence check or pacing only, never in place of an event. */
export function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface UntilOptions {
  /** ms before giving up (default 10,000, below vitest's 15 s test timeout). */
  timeout?: number;
  /** ms between two looks at the condition (default 10). */
  interval?: number;
  /** What is waited for, named in the error on timeout. */
  what?: string;
}

/**
 * Resolves once `condition()` holds, looked at every `interval` ms; rejects after `timeout` ms.
 * For a state no event announces (a counter, a log, a retried operation); an error thrown by
 * the condition ends the wait with it.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  { timeout = 10_000, interval = 10, what = "a condition" }: UntilOptions = {},
): Promise<void> {
  const deadline = performance.now() + timeout;
  for (;;) {
    if (await condition()) return;
    if (performance.now() >= deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await settle(interval);
  }
}

// The client's time limits: what an inventory's timeout means for a timer, and what is left of
// a call's deadline.
import { DEFAULT_METHOD_TIMEOUT_MS } from "./protocol.js";

/** ms until the deadline (never below 0); null for no deadline. */
export function timeLeft(deadline: number | null): number | null {
  return deadline === null ? null : Math.max(0, deadline - performance.now());
}

/** The longest delay a timer takes (ms): a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A timeout as an inventory gives it (ms; null: forever), as a timer can take it: a device's
 * value that is not a number of 0 or more (a string, an object, NaN) is the default.
 */
export function inventoryTimeout(t: unknown): number | null {
  if (t === null) return null;
  if (typeof t !== "number" || !(t >= 0)) return DEFAULT_METHOD_TIMEOUT_MS;
  return Math.min(t, MAX_TIMER_MS);
}

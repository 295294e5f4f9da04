/**
 * An ordered set of listeners, called in the order they were added; adding the same function
 * twice is a no-op. Adding and removing copy the list (rare), so that emitting (frequent) needs
 * no copy: an emission calls the listeners there were when it began.
 */
export class Listeners<A extends unknown[]> {
  private list: Array<(...args: A) => unknown> = [];

  add(listener: (...args: A) => unknown): void {
    if (!this.list.includes(listener)) this.list = [...this.list, listener];
  }

  /** Removes one listener, or all of them when called without one. */
  remove(listener?: (...args: A) => unknown): void {
    this.list = listener === undefined ? [] : this.list.filter((l) => l !== listener);
  }

  get size(): number {
    return this.list.length;
  }

  /** Calls every listener; an exception from one propagates to the caller at once. */
  emit(...args: A): void {
    for (const listener of this.list) listener(...args);
  }

  /** Calls every listener; an exception from one goes to `failed` and the others still run. */
  emitEach(failed: (error: unknown) => void, ...args: A): void {
    for (const listener of this.list) {
      try {
        listener(...args);
      } catch (e) {
        failed(e);
      }
    }
  }
}

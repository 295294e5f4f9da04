/**
 * A signal's emissions as an async iterator (`for await (const [v] of client.signal("x"))`): a
 * listener of its own queues each emission's arguments until they are read. Breaking out of
 * the loop disconnects it; ending the signal (its client closed) ends the loop once what was
 * queued has been read. Emissions not read pile up to a limit, past which the oldest are
 * dropped, as a subscriber's high-water mark drops publications.
 */
export const SIGNAL_QUEUE_LIMIT = 1000;

interface Source<A extends unknown[]> {
  connect(listener: (...args: A) => unknown): void;
  disconnect(listener: (...args: A) => unknown): void;
  /** Calls `ended` once the signal will emit no more (at once when it already will not). */
  onEnd(ended: () => void): () => void;
}

export function signalIterator<A extends unknown[]>(source: Source<A>): AsyncIterableIterator<A> {
  const queue: A[] = [];
  let waiting: ((result: IteratorResult<A>) => void) | undefined;
  let done = false;
  const listener = (...args: A): void => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: args, done: false });
      return;
    }
    if (queue.length >= SIGNAL_QUEUE_LIMIT) queue.shift();
    queue.push(args);
  };
  let stopWatching: (() => void) | undefined;
  const finish = (): void => {
    if (done) return;
    done = true;
    source.disconnect(listener);
    stopWatching?.();
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
  };
  source.connect(listener);
  stopWatching = source.onEnd(finish);
  return {
    next(): Promise<IteratorResult<A>> {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return(): Promise<IteratorResult<A>> {
      queue.length = 0;
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

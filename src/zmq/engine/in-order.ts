import { Queue } from "../util/queue.js";

/**
 * Results handed on in the order they were asked for, whether ready at once or later (CURVE
 * boxes sealed or opened on worker threads, engine.ts and outgoing.ts): a result waits for
 * those before it. While nothing is pending, results pass straight through.
 */
export class InOrder<T> {
  private readonly queue = new Queue<{ value: T | undefined; ready: boolean; size: number }>();
  /** Octets asked for and not yet handed on. */
  pendingSize = 0;
  private stopped = false;

  constructor(
    /** Takes each result, in order. */
    private readonly deliver: (value: T) => void,
    /** A result that failed (or whose delivery threw): nothing after it is handed on. */
    private readonly failed: (error: unknown) => void,
    /** Called after each run of deliveries, with the queue empty or not. */
    private readonly released: () => void,
  ) {}

  /** True while a result waits: what comes next must queue behind it. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** Entries waiting. */
  get length(): number {
    return this.queue.length;
  }

  push(value: T | Promise<T>, size: number): void {
    if (this.stopped) return;
    if (!(value instanceof Promise)) {
      if (this.queue.length === 0) this.deliver(value);
      else this.queue.push({ value, ready: true, size: 0 });
      return;
    }
    const entry = { value: undefined as T | undefined, ready: false, size };
    this.queue.push(entry);
    this.pendingSize += size;
    value.then(
      (result) => {
        entry.value = result;
        entry.ready = true;
        this.pendingSize -= size;
        this.release();
      },
      (error: unknown) => this.fail(error),
    );
  }

  /** Nothing more is handed on (the connection closed). */
  stop(): void {
    this.stopped = true;
    this.queue.clear();
    this.pendingSize = 0;
  }

  private release(): void {
    if (this.stopped) return;
    try {
      while (this.queue.length > 0 && this.queue.peek()!.ready) {
        this.deliver(this.queue.shift()!.value as T);
        if (this.stopped) return;
      }
    } catch (e) {
      this.fail(e);
      return;
    }
    this.released();
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stop();
    this.failed(error);
  }
}

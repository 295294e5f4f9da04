/**
 * A stream method's run on the device (protocol-spec/rpc.md, section 8): its items sent as
 * interim messages, never more unread than the reader's window (STREAM_CREDIT grants more), and
 * stopped when the call is given up (the generator's `finally` runs). The reply that ends the
 * call is the server's to send.
 */
import { MAX_STREAM_WINDOW } from "./call-messages.js";
import { RpcError } from "./errors.js";

/** How long a stream waits for its reader's credit before it gives up (a reader gone quiet). */
export const MAX_CREDIT_WAIT_MS = 5 * 60_000;

/** The items a stream may still send before its reader grants more. */
export class StreamCredit {
  private available: number;
  private wake: (() => void) | undefined;

  constructor(private readonly window: number) {
    this.available = window;
  }

  /** STREAM_CREDIT: the reader took `items` more; never more than the window is owed. */
  grant(items: number): void {
    if (!(Number.isInteger(items) && items > 0)) return;
    this.available = Math.min(this.window, this.available + items);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Whether an item may go now (taking it). */
  tryTake(): boolean {
    if (this.available === 0) return false;
    this.available--;
    return true;
  }

  /**
   * Resolves once an item may go (taking it); rejects with the signal's reason when it aborts,
   * and with an RpcError when the reader grants nothing for `limit` ms.
   */
  async take(signal: AbortSignal, limit = MAX_CREDIT_WAIT_MS): Promise<void> {
    while (!this.tryTake()) {
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const stop = (error: unknown) => {
          clearTimeout(timer);
          signal.removeEventListener("abort", aborted);
          this.wake = undefined;
          reject(error);
        };
        const aborted = () => stop(signal.reason);
        const timer = setTimeout(() => stop(new RpcError(`the reader took no item for ${limit} ms`)), limit);
        signal.addEventListener("abort", aborted, { once: true });
        this.wake = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", aborted);
          resolve();
        };
      });
    }
  }
}

/** The window a request asks for, bounded (1 to MAX_STREAM_WINDOW); undefined when it is not a number. */
export function streamWindow(asked: unknown): number | undefined {
  if (typeof asked !== "number" || !Number.isFinite(asked)) return undefined;
  return Math.min(MAX_STREAM_WINDOW, Math.max(1, Math.floor(asked)));
}

/**
 * Sends each item the generator yields, each once credit allows it; `idle` is told when the run
 * waits for credit and when it goes on (the server does not count a waiting stream among its
 * calls being served). Ends when the generator does, or throws what it threw or the abort's
 * reason; the generator is closed either way.
 */
export async function runStream(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  send: (item: unknown) => Promise<void>,
  credit: StreamCredit,
  signal: AbortSignal,
  idle: { waiting(): void; going(): void },
): Promise<void> {
  for await (const item of items) {
    signal.throwIfAborted();
    if (!credit.tryTake()) {
      idle.waiting();
      try {
        await credit.take(signal);
      } finally {
        idle.going();
      }
    }
    await send(item);
  }
}

/**
 * Reading a stream method (protocol-spec/rpc.md, section 8) as an async iterable: items queue as
 * they come, never more than the window (the device waits for credit), credit goes back as the
 * reader takes them, and a reader that stops (`break`, abort, its idle timeout) cancels the call.
 */
import type { Buffer } from "node:buffer";
import { decodeBody, type Encoding } from "../common/codec.js";
import { InterimKind } from "./call-messages.js";
import type { RequestChannel } from "./client-requests.js";
import type { BufferResult, Reply } from "./client-types.js";
import { RemoteError, RpcError, RpcTimeoutError } from "./errors.js";
import { isObject, RpcEvent } from "./protocol.js";

/** What a stream's reading needs: the request to send and how to read it. */
export interface StreamRequest {
  body: Record<string, unknown>;
  encoding: Encoding;
  /** `name()`, for error messages. */
  what: string;
  /** The server's URL as messages show it. */
  shown: string;
  window: number;
  /** ms to wait for each item; null: forever. */
  timeout: number | null;
  signal: AbortSignal | undefined;
}

type Waiter = { resolve(result: IteratorResult<unknown>): void; reject(error: unknown): void };

/** A stream being read: an async iterator of its items (values, or BufferResults). */
export class ClientStream<T = unknown> implements AsyncIterableIterator<T> {
  private readonly items: unknown[] = [];
  private readonly waiters: Waiter[] = [];
  private id: number | undefined;
  private started = false;
  private finished = false;
  private failure: unknown;
  /** Items taken since credit was last given back. */
  private taken = 0;
  /** Items received that the window has not yet been given back for (at most the window). */
  private owed = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly channel: RequestChannel,
    private readonly request: StreamRequest,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next item, once it came; `done` once the stream ended; throws what ended it otherwise. */
  next(): Promise<IteratorResult<T>> {
    this.start();
    if (this.items.length > 0) {
      const item = this.items.shift();
      this.credit();
      return Promise.resolve({ value: item as T, done: false });
    }
    if (this.finished) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined; // thrown once; then the stream reads as done
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    // The item's timeout runs only while the reader waits: a slow reader is not a late device.
    this.idle();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject } as Waiter));
  }

  /** Stops reading (a `break` does this): the device is told, and its generator closed. */
  return(): Promise<IteratorResult<T>> {
    this.stop(undefined);
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Sends the call, on the first read. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    const { body, encoding, what, window, signal } = this.request;
    const sent = this.channel.start(
      { ...body, plantrpc: { stream: { window } } },
      {
        timeout: null, // each item's own timeout instead (idle())
        encoding,
        what,
        signal,
        cancel: true,
        interim: (kind, frames) => this.onItem(kind, frames),
      },
    );
    this.id = sent.id;
    sent.reply.then(
      (frames) => this.onReply(frames),
      (e) => this.end(e),
    );
  }

  private onItem(kind: number, frames: Buffer[]): void {
    if (this.finished) return;
    let item: unknown;
    try {
      // Items are encoded as the request was: a value that is not an object has no telling octet.
      const { encoding } = this.request;
      if (kind === InterimKind.item && frames[0]) item = decodeBody(frames[0], encoding);
      else if (kind === InterimKind.bufferItem && frames[0]) {
        const info = decodeBody(frames[0], encoding);
        item = { buffer: frames[1] ?? new Uint8Array(0), info: isObject(info) ? info : {} } satisfies BufferResult;
      } else return; // progress, or a malformed item: not one of ours
    } catch (e) {
      this.stop(
        new RpcError(
          `${this.request.what} on ${this.request.shown}: an item could not be read: ${(e as Error).message}`,
        ),
      );
      return;
    }
    if (++this.owed > this.request.window) {
      // A device must not send past the window: it would fill this reader's memory.
      this.stop(new RpcError(`${this.request.what} on ${this.request.shown}: the device sent past the window`));
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      if (this.waiters.length === 0) this.quiet();
      this.credit();
      waiter.resolve({ value: item, done: false });
    } else this.items.push(item);
  }

  /** The reply that ends the call: success ends the stream, a failure is thrown once read. */
  private onReply(frames: Buffer[]): void {
    let reply: unknown;
    try {
      reply = decodeBody(frames[0]!);
    } catch {
      reply = {};
    }
    const head = (isObject(reply) ? reply : {}) as Reply;
    this.end(head.success === true ? undefined : RemoteError.fromReply(head, this.request.what));
  }

  /** Gives credit back once half the window was taken (fewer messages than one per item). */
  private credit(): void {
    this.taken++;
    if (this.finished || this.id === undefined || this.taken < Math.ceil(this.request.window / 2)) return;
    this.channel.post({ event: RpcEvent.streamCredit, request: this.id, credit: this.taken }, this.request.encoding);
    this.owed -= this.taken;
    this.taken = 0;
  }

  /** Starts the wait for the next item, unless it is under way. */
  private idle(): void {
    const { timeout, what, shown } = this.request;
    if (timeout === null || this.finished || this.idleTimer) return;
    this.idleTimer = setTimeout(
      () => this.stop(new RpcTimeoutError(`${what} on ${shown} (next item)`, timeout)),
      timeout,
    );
  }

  /** No reader waits any more: no item is late. */
  private quiet(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** The reader stops: the call is given up (CANCEL), and `error`, if any, is what reading throws. */
  private stop(error: unknown): void {
    if (this.finished) return;
    if (this.id !== undefined)
      this.channel.giveUp(this.id, error instanceof Error ? error : new RpcError("stream closed"));
    this.end(error);
  }

  /** The stream is over: queued items stay readable, then `error` (if any) is thrown once. */
  private end(error: unknown): void {
    this.quiet();
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) {
      if (this.failure !== undefined) {
        waiter.reject(this.failure);
        this.failure = undefined;
      } else waiter.resolve({ value: undefined, done: true });
    }
  }
}

/**
 * A client's requests on its DEALER (protocol-spec/rpc.md, sections 1, 5 and 8): each carries a
 * fresh request id that the server echoes, so that calls overlap, interim messages (progress,
 * stream items) and the reply reach their call, a late reply to a call given up is dropped, and a
 * call given up can be cancelled on a server that offers it.
 */
import { Buffer } from "node:buffer";
import type { Dealer } from "../zmq/index.js";
import { holdProcess, whenAborted } from "../zmq/internal.js";
import { encodeBody, type Encoding } from "../common/codec.js";
import { interimKind } from "./call-messages.js";
import { ConnectionLostError, RpcError, RpcTimeoutError } from "./errors.js";
import { RpcEvent } from "./protocol.js";

const EMPTY = Buffer.alloc(0);

/** How a request is sent and waited for. */
export interface RequestOptions {
  /** ms to wait for the reply; null: forever. */
  timeout: number | null;
  encoding: Encoding;
  /** What the request is, for error messages (`add()`, `get exposure`). */
  what: string;
  /** The timeout the error states (the whole call's, when `timeout` is what was left of it). */
  reportedTimeout?: number | null;
  /** Gives the request up when it aborts. */
  signal?: AbortSignal | undefined;
  /** Interim messages (section 8.1), by their kind octet, before the reply. */
  interim?: (kind: number, frames: Buffer[]) => void;
  /** Send CANCEL when the request is given up (the server offers cancellation). */
  cancel?: boolean;
}

interface Pending {
  resolve(frames: Buffer[]): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
  what: string;
  interim: ((kind: number, frames: Buffer[]) => void) | undefined;
  cancel: boolean;
}

/** A request on its way: its id (which CANCEL and STREAM_CREDIT name) and its reply. */
export interface SentRequest {
  id: number;
  reply: Promise<Buffer[]>;
}

/** The requests of one client, by request id. */
export class RequestChannel {
  private readonly pending = new Map<number, Pending>();
  private nextId = (Math.random() * 0x1_0000_0000) >>> 0;
  private closed = false;
  /** Why no reply can come, when the client knows (a handshake that keeps failing): for timeouts. */
  noReplyReason: () => string | undefined = () => undefined;

  constructor(
    private readonly socket: Dealer,
    /** The server's URL as messages show it. */
    private readonly shown: string,
  ) {}

  /** Sends a request and waits for its reply's frames (after the envelope). */
  request(body: unknown, options: RequestOptions): Promise<Buffer[]> {
    return this.start(body, options).reply;
  }

  /** Sends a request; its id is known at once (a stream's credit names it). */
  start(body: unknown, options: RequestOptions): SentRequest {
    const id = this.newId();
    if (this.closed) return { id, reply: Promise.reject(new RpcError("client is closed")) };
    if (options.signal?.aborted) return { id, reply: Promise.reject(options.signal.reason) };
    let frame: Buffer;
    try {
      frame = encodeBody(body, options.encoding);
    } catch (e) {
      return {
        id,
        reply: Promise.reject(new RpcError(`${options.what}: arguments cannot be sent: ${(e as Error).message}`)),
      };
    }
    // A call that waits holds the process, as a waiting receive does (an idle client does not).
    const release = holdProcess();
    const reply = new Promise<Buffer[]>((resolve, reject) => {
      let unwatch = (): void => {};
      const pending: Pending = {
        resolve: (frames) => {
          release();
          unwatch();
          resolve(frames);
        },
        reject: (error) => {
          release();
          unwatch();
          reject(error);
        },
        what: options.what,
        interim: options.interim,
        cancel: options.cancel === true,
      };
      // Aborted: as a timeout, the call is given up (a late reply finds no one) and rejects.
      unwatch = whenAborted(options.signal, (reason) => this.giveUp(id, reason as Error));
      const { timeout } = options;
      if (timeout !== null) {
        const reported = options.reportedTimeout === undefined ? timeout : options.reportedTimeout;
        pending.timer = setTimeout(
          () =>
            this.giveUp(
              id,
              new RpcTimeoutError(`${options.what} on ${this.shown}`, reported ?? timeout, this.noReplyReason()),
            ),
          timeout,
        );
      }
      this.pending.set(id, pending);
      this.socket.send([idFrame(id), EMPTY, frame]).catch((e: Error) => {
        if (this.pending.get(id) !== pending) return;
        this.forget(id, pending);
        pending.reject(e);
      });
    });
    return { id, reply };
  }

  /** A request without a reply (CANCEL, STREAM_CREDIT); a failure to send is of no consequence. */
  post(body: unknown, encoding: Encoding): void {
    if (this.closed) return;
    let frame: Buffer;
    try {
      frame = encodeBody(body, encoding);
    } catch {
      return;
    }
    this.socket.send([idFrame(this.newId()), EMPTY, frame]).catch(() => {});
  }

  /**
   * Gives a request up with `error`: its promise rejects, a later reply is dropped, and a server
   * that offers cancellation is told (CANCEL).
   */
  giveUp(id: number, error: Error): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.forget(id, pending);
    if (pending.cancel) this.post({ event: RpcEvent.cancel, request: id }, "json");
    pending.reject(error);
  }

  /** A reply or an interim message: [request id, "", ...body]; anything else is not ours. */
  onReply(frames: Buffer[]): void {
    if (frames.length < 3 || frames[0]!.length !== 4 || frames[1]!.length !== 0) return;
    const id = frames[0]!.readUInt32BE(0);
    const pending = this.pending.get(id);
    if (!pending) return; // a late reply to a call given up
    const kind = interimKind(frames[2]);
    if (kind !== undefined) {
      pending.interim?.(kind, frames.slice(3));
      return;
    }
    this.forget(id, pending);
    pending.resolve(frames.slice(2));
  }

  /** The calls waiting on a lost connection: their replies cannot come any more. */
  failPending(error: (what: string, url: string) => Error = (what, url) => new ConnectionLostError(what, url)): void {
    const lost = [...this.pending.entries()];
    for (const [id, p] of lost) {
      this.forget(id, p);
      p.reject(error(p.what, this.shown));
    }
  }

  /** The client closes: waiting requests reject, and nothing more is sent. */
  close(): void {
    this.closed = true;
    const waiting = [...this.pending.entries()];
    for (const [id, p] of waiting) {
      this.forget(id, p);
      p.reject(new RpcError("client closed"));
    }
  }

  private forget(id: number, pending: Pending): void {
    this.pending.delete(id);
    if (pending.timer) clearTimeout(pending.timer);
  }

  private newId(): number {
    this.nextId = (this.nextId + 1) >>> 0;
    return this.nextId;
  }
}

/** A request id's frame: four octets, big endian. */
function idFrame(id: number): Buffer {
  const frame = Buffer.allocUnsafe(4);
  frame.writeUInt32BE(id);
  return frame;
}

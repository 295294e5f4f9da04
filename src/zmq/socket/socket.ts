import type { Buffer } from "node:buffer";
import { whenAborted } from "../util/abort.js";
import { setImmediate } from "node:timers";
import { ZmqError } from "../errors.js";
import { Queue } from "../util/queue.js";
import { FairQueue } from "../routing/fair-queue.js";
import { toFrames, type MessageLike } from "./frames.js";
import type { Message, Pipe } from "./pipe.js";
import type { SharedOptionProperties } from "./option-types.js";
import { holdProcess } from "../util/keep-alive.js";
import { SocketConnections } from "./socket-connections.js";
import { socketClassOf } from "./socket-classes.js";
import { expectArguments } from "../util/arguments.js";

export { ENDPOINT_COUNT } from "./socket-core.js";
export { registerSocketClass } from "./socket-classes.js";
export type { SocketOptions } from "./options.js";

/** Ours, beside what the native package's send() and receive() take. */
export interface OperationOptions {
  /**
   * Gives up a send or receive that waits: it rejects at once with the signal's reason, and
   * nothing is lost (a send's message is not sent; a message comes to the next receive()).
   */
  signal?: AbortSignal;
}

interface Receiver {
  resolve(message: Buffer[]): void;
  reject(error: ZmqError): void;
  timer?: ReturnType<typeof setTimeout>;
}

interface BlockedSend {
  message: Message;
  resolve(): void;
  reject(error: ZmqError): void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * A promise whose pending time holds the process, as the native package's waiting operations
 * do (an idle socket does not).
 */
function held<T>(executor: (resolve: (value: T) => void, reject: (error: ZmqError) => void) => void): Promise<T> {
  const release = holdProcess();
  return new Promise<T>((resolve, reject) =>
    executor(
      (value) => {
        release();
        resolve(value);
      },
      (error) => {
        release();
        reject(error);
      },
    ),
  );
}

const RESOLVED = Promise.resolve();

/**
 * The key of a socket's consumer hook, for plantrpc's own layers (RPC, registry): messages go to
 * a handler as they arrive, without a promise each. Not part of the `zeromq` API.
 */
export const CONSUME = Symbol("plantrpc.consume");

/** Takes one message; must not throw (it runs inside the connection's read). */
export type Consumer = (message: Buffer[]) => void;

/** The native package's refusal of a second waiting operation (Context concurrentOperations "EBUSY"). */
function busy(message: string): ZmqError {
  return new ZmqError("EBUSY", "another operation of this kind is waiting", { message });
}

/**
 * Sends and receives that complete at once resolve at once; after this many in a row, one
 * resolves on the next turn of the event loop instead, so that a tight `for await` loop (or a
 * sender and a receiver in one process) cannot starve timers and I/O. The native package does the
 * same, with the same number.
 */
const MAX_SYNC_OPERATIONS = 512;

/** A socket of any type has the options every type has (as the native package's Socket). */
export interface Socket extends SharedOptionProperties {
  // GSSAPI: typed as the native package types it; absent at run time there too (libzmq built
  // without it): reading gives undefined, assigning fails on the sealed socket.
  /** GSSAPI (not built): act as GSSAPI server. Reading gives undefined; assigning throws a TypeError. */
  gssapiServer: boolean;
  /** GSSAPI (not built): our principal name. Reading gives undefined; assigning throws a TypeError. */
  gssapiPrincipal: string | null;
  /** GSSAPI (not built): the server's principal name. Reading gives undefined; assigning throws a TypeError. */
  gssapiServicePrincipal: string | null;
  /** GSSAPI (not built): send in plain text. Reading gives undefined; assigning throws a TypeError. */
  gssapiPlainText: boolean;
  /** GSSAPI (not built): the name type of our principal. Reading gives undefined; assigning throws a TypeError. */
  gssapiPrincipalNameType: "hostBased" | "userName" | "krb5Principal";
  /** GSSAPI (not built): the name type of the server's principal. Reading gives undefined; assigning throws. */
  gssapiServicePrincipalNameType: "hostBased" | "userName" | "krb5Principal";
}

/**
 * What every socket class has (the native package's Socket): bind, connect, send, receive,
 * events, options. `new Socket(type, options)` makes a socket of libzmq's type number.
 *
 * Every socket type shares three layers: options, state and events (socket-core.ts), endpoints
 * and connections (socket-connections.ts), and here the messages: the receive queue (fair-queued
 * by peer, routing/fair-queue.ts), blocking sends and closing. A socket type says how it routes
 * by overriding the hooks at the bottom of each layer.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface adds the option properties, whose accessors each class defines from the table (withOptions)
export abstract class Socket extends SocketConnections implements AsyncIterable<Buffer[]> {
  /** Messages received and not yet taken, fair-queued by peer as libzmq reads its pipes. */
  private readonly inbound = new FairQueue<Pipe, { pipe: Pipe; message: Buffer[] }>();
  private readonly receivers = new Queue<Receiver>();
  private readonly blockedSends = new Queue<BlockedSend>();
  private retrying = false;
  private syncOperations = 0;
  private consumer: Consumer | undefined;
  private consumerPaused = false;
  /** The type never receives (its row's `receives`), read for every message; known on the first. */
  private dropsInbound: boolean | undefined = undefined;

  /**
   * As the native package's Socket, `new Socket(type, options)` from JavaScript makes a socket of
   * that libzmq type number; a missing type is a TypeError and an unknown one EINVAL.
   */
  constructor(...args: unknown[]) {
    super();
    if (new.target !== Socket) return;
    const [type, options] = args;
    if (typeof type !== "number") throw new TypeError("Socket type must be a number");
    const cls = socketClassOf(type) as new (options?: object) => Socket;
    // biome-ignore lint/correctness/noConstructorReturn: a socket of the class of that type stands for it
    return new cls(options as object | undefined);
  }

  /** libzmq's number for this socket type (ZMQ_PAIR = 0 ... ZMQ_STREAM = 11). */
  get type(): number {
    // These four are libzmq options (ZMQ_TYPE, ZMQ_LAST_ENDPOINT...): ENOTSOCK once closed.
    this.assertOptionsOpen();
    return this.typeNumber();
  }

  /** The socket is closed (a close() during a bind or unbind takes effect once that settles). */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Messages this socket discarded as its type allows: a PUB or XPUB subscriber at its high-water
   * mark (one per subscriber that missed the message), a ROUTER without `mandatory` sending to a
   * full or unknown peer, a REP replying to a peer that left or is full. libzmq drops these
   * silently; plantrpc counts them (an extension).
   */
  get droppedMessages(): number {
    return this.dropCount;
  }

  /** The last endpoint bound, with the port the OS chose. */
  get lastEndpoint(): string | null {
    this.assertOptionsOpen();
    return this.lastBound;
  }

  /** "plain" or "curve" once a security mechanism is set; null for NULL security. */
  get securityMechanism(): null | "plain" | "curve" | "gssapi" {
    this.assertOptionsOpen();
    return this.mechanismName();
  }

  /**
   * As libzmq says of the type: true for the draft types but DGRAM (libzmq's thread-safe
   * sockets). Here one event loop owns each socket whatever its type; threads talk over inproc.
   */
  get threadSafe(): boolean {
    this.assertOptionsOpen();
    return this.typeRow.threadSafe;
  }

  /** A receive() would resolve at once. */
  get readable(): boolean {
    if (this.isClosed) return false;
    return this.inbound.length > 0 && this.canReceiveNow();
  }

  /** A send() would not have to wait. */
  get writable(): boolean {
    return !this.isClosed && this.blockedSends.length === 0 && this.canSendNow();
  }

  // ---- sending ----

  /**
   * Queues a message (a frame or an array of frames); resolves once queued, waits while no peer has room
   * (`sendTimeout`; `options.signal` gives up). Frames are taken by reference.
   */
  send(message: MessageLike | MessageLike[], options?: OperationOptions): Promise<void> {
    let frames: Message;
    try {
      // The native send takes one argument; ours an options object besides.
      if (arguments.length > 2 || !isOptions(options)) expectArguments(arguments.length, 1);
      this.assertReady();
      options?.signal?.throwIfAborted();
      frames = this.prepareSend(toFrames(message));
      if (this.blockedSends.length === 0 && this.trySend(frames)) return this.completed(undefined);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.block(frames, options?.signal);
  }

  /** A promise for an operation that completed at once (see MAX_SYNC_OPERATIONS). */
  private completed<T>(value: T): Promise<T> {
    if (++this.syncOperations <= MAX_SYNC_OPERATIONS) {
      return value === undefined ? (RESOLVED as Promise<T>) : Promise.resolve(value);
    }
    this.syncOperations = 0;
    return new Promise((resolve) => setImmediate(() => resolve(value)));
  }

  /** A send that must wait for room: queued until a peer has room, sendTimeout passes or `signal` aborts. */
  private block(message: Message, signal: AbortSignal | undefined): Promise<void> {
    this.syncOperations = 0; // waiting lets the event loop turn anyway
    if (this.blockedSends.length > 0 && this.context.concurrentOperations === "EBUSY") {
      return Promise.reject(busy("Socket is busy writing; only one send operation may be in progress at any time"));
    }
    if (this.sendWait === 0) {
      return Promise.reject(new ZmqError("EAGAIN", "cannot send now: no peer has room (sendTimeout 0)"));
    }
    return held<void>((resolve, reject) => {
      const unwatch = whenAborted(signal, (reason) => {
        if (!this.blockedSends.removeWhere((b) => b === blocked)) return;
        if (blocked.timer) clearTimeout(blocked.timer);
        reject(reason as ZmqError);
      });
      const blocked: BlockedSend = {
        message,
        resolve: () => {
          unwatch();
          resolve();
        },
        reject: (e) => {
          unwatch();
          reject(e);
        },
      };
      if (this.sendWait > 0) {
        blocked.timer = setTimeout(() => {
          this.blockedSends.removeWhere((b) => b === blocked);
          blocked.reject(new ZmqError("EAGAIN", `send timed out after ${this.sendWait} ms`));
        }, this.sendWait);
      }
      this.blockedSends.push(blocked);
    });
  }

  /**
   * Retries blocked sends, in order, once some pipe has room. A send can flush, and a flush
   * reports room again synchronously: the loop already running takes that room, so a nested
   * call returns at once instead of recursing once per batch.
   * @ignore @internal
   */
  protected override retryBlockedSends(): void {
    if (this.retrying) return;
    this.retrying = true;
    try {
      this.drainBlockedSends();
    } finally {
      this.retrying = false;
    }
  }

  /** Sends the blocked messages in order while the socket takes them; a failure rejects that send only. */
  private drainBlockedSends(): void {
    while (this.blockedSends.length > 0) {
      const blocked = this.blockedSends.peek()!;
      let sent: boolean;
      try {
        sent = this.trySend(blocked.message);
      } catch (e) {
        this.blockedSends.shift();
        if (blocked.timer) clearTimeout(blocked.timer);
        blocked.reject(e as ZmqError);
        continue;
      }
      if (!sent) return;
      this.blockedSends.shift();
      if (blocked.timer) clearTimeout(blocked.timer);
      blocked.resolve();
    }
  }

  // ---- receiving ----

  /** The next message, as its frames; waits for one (`receiveTimeout`; `options.signal` gives up). */
  receive(options?: OperationOptions): Promise<Buffer[]> {
    try {
      if (arguments.length > 1 || !isOptions(options)) expectArguments(arguments.length, 0);
      this.assertReady();
      this.checkReceive();
      options?.signal?.throwIfAborted();
    } catch (e) {
      return Promise.reject(e);
    }
    for (;;) {
      const item = this.inbound.shift();
      if (!item) break;
      item.pipe.consumed(this.receiveHwm);
      const message = this.deliver(item.pipe, item.message);
      if (message) return this.completed(message);
    }
    this.syncOperations = 0; // waiting lets the event loop turn anyway
    if (this.receivers.length > 0 && this.context.concurrentOperations === "EBUSY") {
      return Promise.reject(busy("Socket is busy reading; only one receive operation may be in progress at any time"));
    }
    const signal = options?.signal;
    return held<Buffer[]>((resolve, reject) => {
      const unwatch = whenAborted(signal, (reason) => {
        if (!this.receivers.removeWhere((r) => r === receiver)) return;
        if (receiver.timer) clearTimeout(receiver.timer);
        reject(reason as ZmqError);
      });
      const receiver: Receiver = {
        resolve: (message) => {
          unwatch();
          resolve(message);
        },
        reject: (e) => {
          unwatch();
          reject(e);
        },
      };
      if (this.receiveWait >= 0) {
        receiver.timer = setTimeout(() => {
          this.receivers.removeWhere((r) => r === receiver);
          receiver.reject(new ZmqError("EAGAIN", `receive timed out after ${this.receiveWait} ms`));
        }, this.receiveWait);
      }
      this.receivers.push(receiver);
    });
  }

  /** Receives until the socket is closed; the loop then ends, with no error. */
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer[]> {
    while (!this.isClosed) {
      try {
        yield await this.receive();
      } catch (e) {
        // Closing ends the loop; any other failure (a REQ that cannot receive yet: EFSM) is thrown.
        if (this.isClosed && (e as ZmqError).code === "EAGAIN") return;
        throw e;
      }
    }
  }

  /**
   * Hands every message to `handler` as it arrives, synchronously, instead of queueing it for
   * receive(). While `paused`, messages queue as usual (and the high-water mark holds the peers
   * back); calling again with paused false hands over what queued meanwhile, in order.
   * @ignore @internal
   */
  [CONSUME](handler: Consumer | undefined, paused = false): void {
    this.consumer = handler;
    this.consumerPaused = paused;
    while (this.consumer && !this.consumerPaused && !this.isClosed) {
      const item = this.inbound.shift();
      if (!item) return;
      item.pipe.consumed(this.receiveHwm);
      const delivered = this.deliver(item.pipe, item.message);
      if (delivered) this.consumer(delivered);
    }
  }

  /**
   * Called for each complete message from a peer.
   * @ignore @internal
   */
  override pipeMessage(pipe: Pipe, message: Buffer[]): void {
    // A type that never receives (PUSH, RADIO, SCATTER) drops what its peers send.
    this.dropsInbound ??= !this.typeRow.receives;
    if (this.dropsInbound) return;
    if (this.consumer && !this.consumerPaused && this.inbound.length === 0) {
      const delivered = this.deliver(pipe, message);
      if (delivered) this.consumer(delivered);
      return;
    }
    // A waiting receiver means the queue is empty: hand the message over directly.
    if (this.receivers.length > 0) {
      const delivered = this.deliver(pipe, message);
      if (!delivered) return;
      const receiver = this.receivers.shift()!;
      if (receiver.timer) clearTimeout(receiver.timer);
      receiver.resolve(delivered);
      return;
    }
    if (this.conflating && pipe.unreceived > 0) {
      // Only the newest message of each peer waits.
      this.inbound.dropSource(pipe);
      pipe.forgetReceived();
    }
    this.inbound.push(pipe, { pipe, message });
    pipe.received(this.receiveHwm);
  }

  /**
   * receive() calls waiting for a message.
   * @ignore @internal
   */
  protected get waitingReceives(): number {
    return this.receivers.length;
  }

  // ---- closing ----

  /** Ours: `using socket = new Push()` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Ours: `await using socket = new Push()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /**
   * Closes the socket: pending receives and blocked sends reject with EAGAIN, queued messages
   * linger per the linger option. During a bind or unbind, closing waits for it to settle.
   */
  close(): void {
    expectArguments(arguments.length, 0);
    if (this.isClosed) return;
    if (this.blockedBy) {
      this.closeRequested = true;
      return;
    }
    this.isClosed = true;
    // As libzmq's monitor: each listener's close (in bind order), then the end of the
    // stream; connections closed by closing are not reported.
    this.reportListenersClosing();
    this.emit({ type: "end" });
    this.eventStream.close();
    this.closeConnections();
    const closedError = () => new ZmqError("EAGAIN", "the socket was closed");
    for (const r of this.receivers) {
      if (r.timer) clearTimeout(r.timer);
      r.reject(closedError());
    }
    this.receivers.clear();
    for (const b of this.blockedSends) {
      if (b.timer) clearTimeout(b.timer);
      b.reject(closedError());
    }
    this.blockedSends.clear();
    this.inbound.clear();
  }

  // ---- hooks for socket types ----

  /**
   * Validates and shapes an outgoing message (REQ adds its envelope); throws a ZmqError.
   * @ignore @internal
   */
  protected prepareSend(message: Message): Message {
    return message;
  }

  /**
   * Hands the message to a pipe; false when it must wait for room.
   * @ignore @internal
   */
  protected abstract trySend(message: Message): boolean;

  /**
   * Throws when receive() is not allowed now (ENOTSUP, EFSM).
   * @ignore @internal
   */
  protected checkReceive(): void {}

  /**
   * A send would be taken at once (for the `writable` property).
   * @ignore @internal
   */
  protected canSendNow(): boolean {
    for (const pipe of this.pipes) if (!pipe.full) return true;
    return false;
  }

  /**
   * A queued message may be received now (for the `readable` property).
   * @ignore @internal
   */
  protected canReceiveNow(): boolean {
    try {
      this.checkReceive();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Shapes a queued message on its way to the caller; undefined drops it.
   * @ignore @internal
   */
  protected deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    return message;
  }
}

/** Our operations' last argument: undefined, or an options object (`{ signal }`). */
function isOptions(value: unknown): boolean {
  return value === undefined || (typeof value === "object" && value !== null);
}

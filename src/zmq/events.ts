import type { Buffer } from "node:buffer";
import { Listeners } from "../util/listeners.js";
import { type AuthError, ZmqError, type ZmtpProtocolError } from "./errors.js";
import type { AllOptionProperties } from "./socket/option-row-types.js";
import { holdProcess } from "./util/keep-alive.js";
import { expectArguments } from "./util/arguments.js";

/** An event of one type, with what that type carries (the native package's EventFor). */
export type EventFor<T extends string, D = object> = {
  /** What happened: `"connect"`, `"handshake"`, `"disconnect"`... */
  type: T;
} & D;
/** What the events of an endpoint carry. */
export interface EventAddress {
  /** The endpoint bound or connected (for accepted connections too, as libzmq's monitor says). */
  address: string;
}
/** What the error events carry. */
export interface EventError<E = ZmqError> {
  /** What went wrong (for the handshake errors, a ZmtpProtocolError or an AuthError). */
  error: E;
}

/**
 * A socket event, as the native package types it: a union discriminated by `type`, where each
 * error event has its `error` (handshake:error:protocol libzmq's ZMTP code, handshake:error:auth
 * the ZAP status). "accept:error", "close:error" and "unknown" are the native package's names
 * for what never happens here (typed so that code written for it compiles). A `disconnect`
 * carries `error` (ours) when a connected peer broke the protocol or went silent.
 */
export type SocketEvent =
  | EventFor<"accept", EventAddress>
  | EventFor<"accept:error", EventAddress & EventError>
  | EventFor<"bind", EventAddress>
  | EventFor<"bind:error", EventAddress & EventError>
  | EventFor<"connect", EventAddress>
  | EventFor<"connect:delay", EventAddress>
  | EventFor<
      "connect:retry",
      EventAddress & {
        /** ms until the next attempt (reconnectInterval and a random part, backing off to reconnectMaxInterval). */
        interval: number;
      }
    >
  | EventFor<"close", EventAddress>
  | EventFor<"close:error", EventAddress & EventError>
  | EventFor<
      "disconnect",
      EventAddress & {
        /** Ours: why, when a connected peer broke the protocol or went silent (heartbeats). */ error?: ZmqError;
      }
    >
  | EventFor<"end">
  | EventFor<"handshake", EventAddress>
  | EventFor<"handshake:error:protocol", EventAddress & EventError<ZmtpProtocolError>>
  | EventFor<"handshake:error:auth", EventAddress & EventError<AuthError>>
  | EventFor<"handshake:error:other", EventAddress & EventError>
  | EventFor<"unknown">;

/** The `type` of a socket event: `"connect"`, `"handshake"`, `"disconnect"`... */
export type SocketEventType = SocketEvent["type"];

/** An event of one type (the native package's EventOfType). */
export type EventOfType<T extends SocketEventType = SocketEventType> = Extract<
  SocketEvent,
  {
    /** The event type asked for. */
    type: T;
  }
>;

/** What on() and off() give back (the native package's EventSubscriber): the observer itself. */
export interface EventSubscriber {
  /** Calls `listener` with each event of that type. */
  on<T extends SocketEventType>(type: T, listener: (event: EventOfType<T>) => void): EventSubscriber;
  /** Stops calling `listener`. */
  off<T extends SocketEventType>(type: T, listener: (event: EventOfType<T>) => void): EventSubscriber;
}

/** What sockets that receive have (the native package's Readable interface). */
export interface Readable<M extends object[] = Buffer[]>
  extends Pick<AllOptionProperties, "receiveHighWaterMark" | "receiveTimeout"> {
  /** `signal` is ours (OperationOptions): it gives up a receive that waits. */
  receive(options?: { signal?: AbortSignal }): Promise<M>;
  /** Receives until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<M>;
}

/** What sockets that send have (the native package's Writable interface). */
export interface Writable<M = unknown> extends Pick<AllOptionProperties, "sendHighWaterMark" | "sendTimeout"> {
  /** `signal` is ours (OperationOptions): it gives up a send that waits. */
  send(message: M, options?: { signal?: AbortSignal }): Promise<void>;
}

/** A listener of SocketEvents' on(): called with each event of the type it listens to. */
export type SocketEventListener<E extends SocketEvent = SocketEvent> = (event: E) => void;

/** The key of SocketEvents' internal listener (see [WATCH]). */
export const WATCH = Symbol("plantrpc.watch");

/**
 * A socket's events, as the native package's Observer gives them: `events.on("handshake", fn)`,
 * `await events.receive()` or `for await (const event of socket.events)`. As the native package's
 * monitor, events are kept (up to 1000) from the moment a program first looks at
 * `socket.events`, so a socket whose events nobody asks for pays nothing. The stream ends with an
 * "end" event when the socket closes; then receive() fails with EBADF. An observer first asked
 * for after the close fails with ENOTSOCK, as the native package's does.
 */
export class SocketEvents implements AsyncIterable<SocketEvent> {
  private readonly listeners = new Map<string, Listeners<[SocketEvent]>>();
  private buffered: SocketEvent[] = [];
  private readers: Array<(event: SocketEvent) => void> = [];
  /** socket.events was asked for before the close: events are kept for receive(). */
  private observing = false;
  private ended = false;
  /** on() was called: events go to listeners, and receive() is refused (the native package's rule). */
  private emitterMode = false;
  /** In emitter mode, the observer holds the process until the socket closes (as the native one). */
  private releaseEmitter: (() => void) | undefined;

  /** The socket is closed and its "end" event was delivered. */
  get closed(): boolean {
    return this.ended;
  }

  /**
   * The socket's `events` was asked for: from now on events are kept for receive().
   * @ignore @internal
   */
  observe(): this {
    if (!this.ended) this.observing = true;
    return this;
  }

  /**
   * Whether `socket.events` was asked for before the close.
   * @ignore @internal
   */
  get observed(): boolean {
    return this.observing;
  }

  /** Calls `listener` with each event of that type (`"*"`: every event). */
  on<T extends SocketEventType>(type: T | "*", listener: SocketEventListener<EventOfType<T>>): this {
    this.assertOpen();
    this.emitterMode = true;
    this.releaseEmitter ??= holdProcess();
    this.add(type, listener as SocketEventListener);
    return this;
  }

  /**
   * A listener for plantrpc's own layers (the RPC client): neither emitter mode nor a
   * hold on the process, so that a user may still read the events, and an idle client lets the
   * process exit.
   * @ignore @internal
   */
  [WATCH](type: SocketEventType | "*", listener: SocketEventListener): void {
    if (!this.ended) this.add(type, listener);
  }

  /** Adds a listener of one type (or of every type, `"*"`). */
  private add(type: SocketEventType | "*", listener: SocketEventListener): void {
    let list = this.listeners.get(type);
    if (!list) {
      list = new Listeners();
      this.listeners.set(type, list);
    }
    list.add(listener);
  }

  /** Stops calling `listener`. */
  off<T extends SocketEventType>(type: T | "*", listener: SocketEventListener<EventOfType<T>>): this {
    this.listeners.get(type)?.remove(listener as SocketEventListener);
    return this;
  }

  /** Resolves with the next event of that type (ours: the native Observer has no once()); it holds the process meanwhile. */
  once<T extends SocketEventType>(type: T): Promise<EventOfType<T>> {
    this.assertOpen();
    const release = holdProcess();
    return new Promise((resolve) => {
      const fn: SocketEventListener = (e) => {
        this.off(type, fn);
        release();
        resolve(e as EventOfType<T>);
      };
      this.add(type, fn);
      // Closed before it came: the promise stays pending, and lets the process go.
      this.add("end", release);
    });
  }

  /** Hands an event to the listeners and the readers (the native package's Observer has it too). */
  emit(event: SocketEvent): void {
    if (this.ended) return;
    this.listeners.get(event.type)?.emit(event);
    this.listeners.get("*")?.emit(event);
    if (!this.observing) return;
    const reader = this.readers.shift();
    if (reader) reader(event);
    else if (this.buffered.length < 1000) this.buffered.push(event);
  }

  /** Called when the socket is closed, after its "end" event was emitted. */
  close(): void {
    this.ended = true;
    this.listeners.clear();
    this.releaseEmitter?.();
  }

  /** The next event; an "end" event once the socket is closed. Not after on(): see emitterMode. */
  receive(): Promise<SocketEvent> {
    expectArguments(arguments.length, 0);
    if (this.emitterMode) {
      throw new Error(
        "Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive().",
      );
    }
    const next = this.buffered.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.reject(this.observing ? socketClosed() : notASocket());
    this.observing = true;
    const release = holdProcess();
    return new Promise((resolve) =>
      this.readers.push((event) => {
        release();
        resolve(event);
      }),
    );
  }

  /** Each event, from the first look at `socket.events`, until the socket's `end`. */
  async *[Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    if (this.ended && this.buffered.length === 0) return;
    for (;;) {
      const e = await this.receive();
      yield e;
      if (e.type === "end") return;
    }
  }

  /** Throws ENOTSOCK once the socket is closed and its events have ended. */
  private assertOpen(): void {
    if (this.ended) throw notASocket();
  }
}

function socketClosed(): ZmqError {
  return new ZmqError("EBADF", "the socket is closed: its events have ended");
}

function notASocket(): ZmqError {
  return new ZmqError("ENOTSOCK", "the socket is closed: its events have ended");
}

/**
 * The socket of the v5 callback API (see v5.ts): an EventEmitter over a socket of the v6 API.
 */
import type { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import type { SocketEvent } from "../events.js";
import { SOCKET_TYPES, type V5TypeName } from "../engine/socket-types.js";
import * as classes from "../socket/all.js";
import type { MessageLike } from "../socket/frames.js";
import type { Socket as ModernSocket } from "../socket/socket.js";
import { LONG_OPTIONS, type LongOption, SHORT_OPTIONS } from "./v5-options.js";

/** The socket type names of the v5 API (the table's v5 names); `xreq` and `xrep` are DEALER's and ROUTER's old names. */
export type SocketType = V5TypeName;

/** The key of the socket's initialisation (see CompatSocket). */
export const INIT_SOCKET: unique symbol = Symbol("plantrpc.v5.initSocket");

/** What bind(), unbind() and send() call once done: with the error, when there was one. */
export type Callback = (error?: Error) => void;

/** The v6 class of each v5 name, from the socket-type table. */
const CLASSES: ReadonlyMap<string, new () => ModernSocket> = new Map(
  SOCKET_TYPES.flatMap((row) => row.v5.map((name) => [name, classOf(row.className)] as const)),
);

function classOf(name: string): new () => ModernSocket {
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the v5 API has every classic class
  return classes[name as keyof typeof classes];
}

const SNDMORE = 2;

/** The v5 monitor's event names, from the v6 event types. */
const MONITOR_EVENTS: Partial<Record<SocketEvent["type"], string>> = {
  connect: "connect",
  "connect:delay": "connect_delay",
  "connect:retry": "connect_retry",
  bind: "listen",
  accept: "accept",
  close: "close",
  disconnect: "disconnect",
};

/**
 * The v5 callback API's socket (`zmq.socket("push")`): an EventEmitter with `message` events,
 * send with flags, and the v5 option names (`identity`, `linger`...), over a socket of the
 * main API. Programs reach it as `zmq.Socket` (v5.ts), which is also callable without `new`.
 * @internal
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the short option properties are defined on the prototype below
export class CompatSocket extends EventEmitter {
  // Set by init(), not by initialisers: a subclass made the pre-class way (`zmq.Socket.call(this,
  // type)` on an object of its own) gets its state from init() alone.
  /** The socket type, as given: "req", "xrep"... */
  declare readonly type: SocketType;
  /** The v6 socket underneath. */
  declare readonly socket: ModernSocket;
  declare private parts: MessageLike[];
  declare private paused: boolean;
  declare private held: Buffer[][];
  declare private monitoring: ((event: SocketEvent) => void) | undefined;
  /** REQ and REP alternate: a receive may start only when it is their turn. */
  declare private turn: (() => void) | undefined;
  /** Messages sent, in order: each goes once the one before it has (as the native compat layer). */
  declare private outgoing: Array<{ frames: MessageLike[]; cb?: Callback }>;
  declare private flushing: boolean;
  /** REQ: a request is out; the next waits for its reply instead of failing with EFSM. */
  declare private awaitingReply: boolean;

  constructor(type: SocketType) {
    super();
    this[INIT_SOCKET](type);
  }

  /**
   * The constructor's work, on any object whose prototype chain holds ours (a key of
   * its own: a subclass's `init()` must not replace it).
   * @ignore @internal
   */
  [INIT_SOCKET](type: SocketType): void {
    const Class = CLASSES.get(type);
    if (!Class) throw new Error(`Invalid socket type: ${type}`);
    const self = this as { -readonly [K in "type" | "socket"]: CompatSocket[K] };
    self.type = type;
    self.socket = new Class();
    this.parts = [];
    this.paused = false;
    this.held = [];
    this.outgoing = [];
    this.flushing = false;
    this.awaitingReply = false;
    if (type !== "push" && type !== "pub") void this.receiveLoop();
  }

  /** Whether the socket is closed (by close(), or its v6 socket's closing). */
  get closed(): boolean {
    return this.socket.closed;
  }

  /** Binds; `cb(error)` once done (errors without a callback are `error` events). */
  bind(address: string, cb?: Callback): this {
    this.settle(this.socket.bind(address), "bind", address, cb);
    return this;
  }

  /**
   * Binding takes a turn of the event loop here: the bind starts now and its failure comes as
   * an "error" event. Sends made meanwhile wait for it.
   */
  bindSync(address: string): this {
    // What needs no I/O throws now, as zeromq 5's bindSync; a port in use comes as an "error" event.
    const binding = (this.socket as unknown as { bindInTurn(endpoint: string): Promise<void> }).bindInTurn(address);
    this.settle(binding, "bind", address);
    return this;
  }

  /** Unbinds; `cb(error)` once done. */
  unbind(address: string, cb?: Callback): this {
    this.settle(this.socket.unbind(address), "unbind", address, cb);
    return this;
  }

  /** Unbinds, starting now (the main API's unbind, not waited for). */
  unbindSync(address: string): this {
    return this.unbind(address);
  }

  /** Connects (in the background, as the main API's connect()). */
  connect(address: string): this {
    this.socket.connect(address);
    return this;
  }

  /** Stops connecting to `address`. */
  disconnect(address: string): this {
    this.socket.disconnect(address);
    return this;
  }

  /** Frames sent with ZMQ_SNDMORE wait for the last frame of their message. */
  send(message: MessageLike | MessageLike[], flags: number | null = 0, cb?: Callback): this {
    const frames = Array.isArray(message) ? message.map(asFrame) : [asFrame(message)];
    this.parts = this.parts.concat(frames);
    if (((flags ?? 0) & SNDMORE) !== 0) return this;
    this.outgoing.push({ frames: this.parts, cb });
    this.parts = [];
    void this.flush();
    return this;
  }

  /** Sends what waits, one message after the other; a REQ's next request after the reply. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outgoing.length > 0 && !this.socket.closed && !this.awaitingReply) {
        const { frames, cb } = this.outgoing.shift()!;
        try {
          await this.socket.send(frames);
          if (this.type === "req") this.awaitingReply = true;
          this.turn?.();
          cb?.();
        } catch (e) {
          if (cb) cb(e as Error);
          else this.emit("error", e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Removed in v5's compatibility mode, as in the native package: throws. */
  read(): never {
    throw new Error("read() has been removed from compatibility mode; use on('message', ...) instead.");
  }

  /** Holds incoming messages until resume(). */
  pause(): void {
    this.paused = true;
  }

  /** Delivers the messages held since pause(), then the new ones. */
  resume(): void {
    this.paused = false;
    for (const frames of this.held.splice(0)) this.deliver(frames);
  }

  /** Closes the socket. */
  close(): this {
    this.socket.close();
    return this;
  }

  /** SUB: receives messages starting with `filter`. */
  subscribe(filter: string | Buffer): this {
    (this.socket as classes.Subscriber).subscribe(filter);
    return this;
  }

  /** SUB: cancels a subscribe(). */
  unsubscribe(filter: string | Buffer): this {
    (this.socket as classes.Subscriber).unsubscribe(filter);
    return this;
  }

  /** Sets an option by libzmq number or ZMQ_* name. */
  setsockopt(option: number | string, value: unknown): this {
    const id = typeof option === "number" ? option : SHORT_OPTIONS[option as keyof typeof SHORT_OPTIONS];
    const row = LONG_OPTIONS_BY_ID.get(id ?? -1);
    if (id === undefined || !row) throw new Error(`Unknown option: ${String(option)}`);
    const s = this.socket;
    if (row.kind === "bool") s.setBoolOption(id, Boolean(value));
    else if (row.kind === "string") s.setStringOption(id, value as string | Buffer | null);
    else s.setInt32Option(id, Number(value));
    return this;
  }

  /** Reads an option by libzmq number or ZMQ_* name. */
  getsockopt(option: number | string): string | number | boolean | null {
    const id = typeof option === "number" ? option : SHORT_OPTIONS[option as keyof typeof SHORT_OPTIONS];
    const row = LONG_OPTIONS_BY_ID.get(id ?? -1);
    if (id === undefined || !row) throw new Error(`Unknown option: ${String(option)}`);
    const s = this.socket;
    if (row.kind === "bool") return s.getBoolOption(id);
    if (row.kind === "string") return s.getStringOption(id);
    return s.getInt32Option(id);
  }

  /**
   * Emits the v5 monitor events under libzmq's names, as (value, endpoint, error): the value is
   * the retry interval for connect_retry, undefined otherwise, as in the native compat layer.
   */
  monitor(interval?: number, count?: number): this {
    if (interval || count) {
      globalThis.process?.emitWarning?.(
        "Arguments to monitor() are ignored in compatibility mode; all events are read automatically",
      );
    }
    if (this.monitoring) return this;
    this.monitoring = (event) => {
      const name = MONITOR_EVENTS[event.type];
      const interval = "interval" in event ? event.interval : undefined;
      if (name) this.emit(name, interval, "address" in event ? event.address : undefined, undefined);
    };
    this.socket.events.on("*", this.monitoring);
    return this;
  }

  /** Stops the `monitor()` events. */
  unmonitor(): this {
    if (this.monitoring && !this.socket.closed) this.socket.events.off("*", this.monitoring);
    this.monitoring = undefined;
    return this;
  }

  private settle(done: Promise<void>, event: string, address: string, cb?: Callback): void {
    done.then(
      () => {
        this.emit(event, address);
        cb?.();
      },
      (e: Error) => (cb ? cb(e) : this.emit("error", e)),
    );
  }

  private async receiveLoop(): Promise<void> {
    while (!this.socket.closed) {
      if (this.type === "req") await this.myTurn();
      let frames: Buffer[];
      try {
        frames = await this.socket.receive();
      } catch (e) {
        if (this.socket.closed) return;
        this.emit("error", e);
        continue;
      }
      if (this.paused) this.held.push(frames);
      else this.deliver(frames);
      if (this.type === "req") {
        this.awaitingReply = false;
        void this.flush();
      }
      if (this.type === "rep") await this.myTurn();
    }
  }

  /**
   * A "message" event on a turn of its own, as the native compat layer emits it: a handler that
   * throws raises an uncaught exception, and the messages after it are still delivered.
   */
  private deliver(frames: Buffer[]): void {
    queueMicrotask(() => this.emit("message", ...frames));
  }

  /** Resolves after the next send (or at close). */
  private myTurn(): Promise<void> {
    return new Promise((resolve) => {
      this.turn = () => {
        this.turn = undefined;
        resolve();
      };
      this.socket.events.once("end").then(this.turn, this.turn);
    });
  }
}

/** The v5 short option names, as properties. */
export interface CompatSocket {
  /**
   * ZMQ_AFFINITY: I/O thread affinity. Default 0. Kept and read back, but it has no effect here
   * (one event loop carries every socket).
   */
  affinity: number;
  /**
   * ZMQ_BACKLOG: pending connections the OS keeps for a bound socket. Default 100. Kept and read
   * back, but it has no effect here.
   */
  backlog: number;
  /**
   * ZMQ_IDENTITY (v6: routingId): our identity, announced to ROUTER peers in the handshake (1-255
   * octets, not starting with 0), so set it before connect() or bind(). Reads back as text; null
   * when unset.
   */
  identity: string | Buffer | null;
  /**
   * ZMQ_LINGER: ms to flush queued messages after close(); -1 = until sent, 0 = drop. Default -1
   * (0 when the context is not blocky).
   */
  linger: number;
  /** ZMQ_RATE: multicast data rate, kbit/s (pgm). Default 100. Kept and read back, no effect here. */
  rate: number;
  /**
   * ZMQ_RCVBUF: kernel receive buffer size, octets; -1, the default, leaves the OS's. Kept and read
   * back, but it has no effect here.
   */
  rcvbuf: number;
  /**
   * ZMQ_LAST_ENDPOINT: the last endpoint bound, with the port the OS chose; null before any bind.
   * Read-only: assigning throws an EINVAL ZmqError.
   */
  last_endpoint: string | null;
  /** ZMQ_RECONNECT_IVL: ms before reconnecting; -1 = never reconnect. Default 100. */
  reconnect_ivl: number;
  /**
   * ZMQ_RECOVERY_IVL: multicast recovery interval, ms (pgm). Default 10000. Kept and read back, but
   * it has no effect here.
   */
  recovery_ivl: number;
  /**
   * ZMQ_SNDBUF: kernel send buffer size, octets; -1, the default, leaves the OS's. Kept and read
   * back, but it has no effect here.
   */
  sndbuf: number;
  /**
   * ZMQ_MECHANISM: the security mechanism the options chose: 0 NULL (the default), 1 PLAIN,
   * 2 CURVE, 3 GSSAPI. Read-only: assigning throws an EINVAL ZmqError.
   */
  mechanism: number;
  /** ZMQ_PLAIN_SERVER: act as PLAIN server. Default false. */
  plain_server: boolean;
  /** ZMQ_PLAIN_USERNAME: PLAIN user name (makes this socket a PLAIN client); null when unset. */
  plain_username: string | Buffer | null;
  /** ZMQ_PLAIN_PASSWORD: PLAIN password, sent with plain_username; null when unset. */
  plain_password: string | Buffer | null;
  /** ZMQ_CURVE_SERVER: act as CURVE server (with curve_secretkey as its key). Default false. */
  curve_server: boolean;
  /**
   * ZMQ_CURVE_PUBLICKEY: our CURVE public key (Z85). libzmq cannot read it back: reading it
   * before it is set throws an EINVAL ZmqError.
   */
  curve_publickey: string | Buffer | null;
  /**
   * ZMQ_CURVE_SECRETKEY: our CURVE secret key (Z85). libzmq cannot read it back: reading it
   * before it is set throws an EINVAL ZmqError.
   */
  curve_secretkey: string | Buffer | null;
  /**
   * ZMQ_CURVE_SERVERKEY: the server's CURVE public key (Z85); makes this socket a CURVE client.
   * libzmq cannot read it back: reading it before it is set throws an EINVAL ZmqError.
   */
  curve_serverkey: string | Buffer | null;
  /** ZMQ_ZAP_DOMAIN: ZAP domain of this socket, sent to the ZAP handler; null when unset. */
  zap_domain: string | Buffer | null;
  /** ZMQ_HEARTBEAT_IVL: ms between PINGs; 0, the default, sends none. */
  heartbeat_ivl: number;
  /**
   * ZMQ_HEARTBEAT_TTL: TTL announced in PINGs, ms (tenths of a second on the wire): how long the
   * peer waits for traffic from us before it drops the connection. Default 0 (no limit).
   */
  heartbeat_ttl: number;
  /**
   * ZMQ_HEARTBEAT_TIMEOUT: ms of silence after a PING before the peer is dropped; -1, the
   * default, waits heartbeat_ivl.
   */
  heartbeat_timeout: number;
  /** ZMQ_CONNECT_TIMEOUT: ms a TCP connection attempt may take; 0, the default, leaves the OS's limit. */
  connect_timeout: number;
}

/** The v5 short option names as properties: `socket.identity = "x"`, `socket.linger`. */
for (const name of Object.keys(SHORT_OPTIONS)) {
  if (name.startsWith("_")) continue;
  Object.defineProperty(CompatSocket.prototype, name, {
    configurable: true,
    get(this: CompatSocket) {
      return this.getsockopt(name);
    },
    set(this: CompatSocket, value: unknown) {
      this.setsockopt(name, value);
    },
  });
}

const LONG_OPTIONS_BY_ID = new Map<number, LongOption>(Object.values(LONG_OPTIONS).map((o) => [o.id, o]));

/**
 * A frame as zeromq 5 took it: bytes as they are, anything else as its text (`String(value)`:
 * a number, an object, an array, null); v5 programs pass such values in messages.
 */
function asFrame(value: unknown): MessageLike {
  if (typeof value === "string" || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  return String(value);
}

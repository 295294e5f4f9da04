import type { Buffer } from "node:buffer";
import { setImmediate } from "node:timers";
import { Engine, type EngineOwner } from "../engine/engine.js";
import type { SocketTypeName } from "../engine/socket-types.js";
import { ZmqError } from "../errors.js";
import { SocketEvents, type SocketEvent } from "../events.js";
import { nullMechanism } from "../mechanism/null.js";
import type { MechanismFactory } from "../mechanism/mechanism.js";
import type { Carrier, Listener } from "../transport/carrier.js";
import { parseTcpAddress } from "../transport/endpoint.js";
import { parseEndpoint, transportFor } from "../transport/index.js";
import { Queue } from "../util/queue.js";
import { toFrames, type MessageLike } from "./frames.js";
import { Context, context as defaultContext } from "../context.js";
import { OPTIONS_BY_NAME, type OptionRow } from "./option-table.js";
import {
  applyOptions,
  OPTION_VALUES,
  type OptionHost,
  optionById,
  readOptionById,
  storedOption,
  writeOptionById,
} from "./options.js";
import { Connector, type ConnectorHost } from "./connector.js";
import { Pipe, type Message } from "./pipe.js";

export type { SocketOptions } from "./options.js";

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

interface Binding {
  listener: Listener;
  engines: Set<Engine>;
}

const RESOLVED = Promise.resolve();

/** How many endpoints a socket has bound or connected (for the Proxy). */
export const ENDPOINT_COUNT = Symbol("endpoint count");

/**
 * Sends and receives that complete at once resolve at once; after this many in a row, one
 * resolves on the next turn of the event loop instead, so that a tight `for await` loop (or a
 * sender and a receiver in one process) cannot starve timers and I/O. The native package does the
 * same, with the same number.
 */
const MAX_SYNC_OPERATIONS = 512;

/**
 * What every socket type shares: endpoints, connections and reconnection, the receive queue
 * (fair-queued by arrival), blocking sends, options and events. A socket type says how it
 * routes by overriding the hooks at the bottom.
 */
export abstract class Socket implements AsyncIterable<Buffer[]>, OptionHost {
  /** The ZMTP socket type ("DEALER", ...), as announced to peers. */
  abstract readonly socketType: SocketTypeName;
  readonly events = new SocketEvents();

  // Options: accessors defined from the option table (option-table.ts), checking each assignment.
  declare sendHighWaterMark: number;
  declare receiveHighWaterMark: number;
  declare linger: number;
  declare maxMessageSize: number;
  declare heartbeatInterval: number;
  declare heartbeatTimeout: number;
  declare heartbeatTimeToLive: number;
  declare reconnectInterval: number;
  declare reconnectMaxInterval: number;
  declare handshakeInterval: number;
  declare sendTimeout: number;
  declare receiveTimeout: number;
  declare immediate: boolean;
  declare connectTimeout: number;
  declare tcpKeepalive: number;
  declare tcpKeepaliveIdle: number;
  declare tcpKeepaliveCount: number;
  declare tcpKeepaliveInterval: number;
  declare ipv6: boolean;
  declare backlog: number;
  declare affinity: number;
  declare rate: number;
  declare recoveryInterval: number;
  declare typeOfService: number;
  declare interface: string | null;
  declare socksProxy: string | null;
  declare tcpAcceptFilter: string | null;
  declare tcpMaxRetransmitTimeout: number;
  declare loopbackFastPath: boolean;
  declare multicastMaxTransportDataUnit: number;
  declare vmciBufferSize: number;
  declare vmciBufferMinSize: number;
  declare vmciBufferMaxSize: number;
  declare vmciConnectTimeout: number;
  declare plainServer: boolean;
  declare plainUsername: string | null;
  declare plainPassword: string | null;
  declare curveServer: boolean;
  declare curvePublicKey: string | null;
  declare curveSecretKey: string | null;
  declare curveServerKey: string | null;
  declare zapDomain: string | null;
  declare zapEnforceDomain: boolean;
  readonly [OPTION_VALUES]: Record<string, unknown> = {};
  /** The context whose defaults this socket took. */
  readonly context: Context = defaultContext;
  private lastBound: string | null = null;
  /** A bind or unbind in progress: other endpoint operations fail with EBUSY meanwhile. */
  private blockedBy: "bind" | "unbind" | undefined;
  private closeRequested = false;

  protected mechanism: MechanismFactory = nullMechanism;
  protected readonly pipes = new Set<Pipe>();
  private routingIdBytes: Buffer | undefined;
  private isClosed = false;
  private readonly bindings = new Map<string, Binding>();
  private readonly connectors = new Map<string, Connector>();
  private readonly engines = new Set<Engine>();
  private readonly inbound = new Queue<{ pipe: Pipe; message: Buffer[] }>();
  private readonly receivers = new Queue<Receiver>();
  private readonly blockedSends = new Queue<BlockedSend>();
  private retrying = false;
  // The options read for every message, kept in plain fields (see optionChanged).
  private sendHwm = 1000;
  private receiveHwm = 1000;
  private sendWait = -1;
  private receiveWait = -1;
  private readonly hwm = () => this.sendHwm;

  /**
   * Socket classes call this last in their constructor, once their own fields exist, passing
   * themselves. An unknown option (a typo) is a TypeError and a bad value a TypeError or EINVAL,
   * never silently ignored. The socket is then sealed, so that a typo in an assignment after
   * construction (`socket.lingr = 0`) fails too; a user's subclass is left unsealed.
   */
  protected configure(options: object | undefined, cls: abstract new (...args: never[]) => Socket): void {
    const given = (options as { context?: unknown } | undefined)?.context;
    if (given !== undefined) {
      if (!(given instanceof Context)) throw new TypeError("Option context must be a Context");
      (this as { context: Context }).context = given;
    }
    applyOptions(this, options, this.constructor.name);
    if (this.constructor === cls) Object.seal(this);
  }

  // ---- options and state ----

  /** libzmq's number for this socket type (ZMQ_PAIR = 0 ... ZMQ_STREAM = 11). */
  get type(): number {
    return SOCKET_TYPE_NUMBERS[this.socketType];
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The last endpoint bound, with the port the OS chose. */
  get lastEndpoint(): string | null {
    return this.lastBound;
  }

  /** "plain" or "curve" once a security mechanism is set; null for NULL security. */
  get securityMechanism(): null | "plain" | "curve" | "gssapi" {
    return null;
  }

  /** Never: one event loop owns every socket here. */
  get threadSafe(): boolean {
    return false;
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

  /** An option's value for the socket's own use, whether or not the property can be read. */
  protected option<T>(name: string): T {
    const row = OPTIONS_BY_NAME.get(name);
    if (!row) throw new Error(`no option ${name}`);
    return storedOption(this, row) as T;
  }

  /** @internal Defaults that follow the context: linger (blocky) and ipv6. */
  optionDefault(row: OptionRow): unknown {
    // As the native package: subscribers have nothing to flush, so they never linger.
    if (row.name === "linger") return this.context.blocky && !this.socketType.endsWith("SUB") ? -1 : 0;
    if (row.name === "ipv6") return this.context.ipv6;
    return row.default;
  }

  /** @internal Most options apply to the next connection only: say so, as the native package does. */
  optionChanged(row: OptionRow): void {
    this.cacheHotOption(row);
    if (row.name === "routingId") this.routingIdChanged();
    if (row.immediate || (this.bindings.size === 0 && this.connectors.size === 0)) return;
    (globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(
      "Socket option will not take effect until next connect/bind.",
    );
  }

  private cacheHotOption(row: OptionRow): void {
    const value = storedOption(this, row) as number;
    if (row.name === "sendHighWaterMark") this.sendHwm = value;
    else if (row.name === "receiveHighWaterMark") this.receiveHwm = value;
    else if (row.name === "sendTimeout") this.sendWait = value;
    else if (row.name === "receiveTimeout") this.receiveWait = value;
  }

  private routingIdChanged(): void {
    const bytes = this[OPTION_VALUES].routingId as Buffer | null;
    if (bytes && (bytes.length === 0 || bytes.length > 255)) {
      this[OPTION_VALUES].routingId = this.routingIdBytes ?? null;
      throw new ZmqError("EINVAL", "routingId is 1 to 255 octets");
    }
    this.routingIdBytes = bytes ?? undefined;
  }

  // The native package's low-level accessors, by libzmq option number.
  getBoolOption(id: number): boolean {
    return Boolean(this.readOption(id));
  }
  setBoolOption(id: number, value: boolean): void {
    this.writeOption(id, value);
  }
  getInt32Option(id: number): number {
    return this.readNumberOption(id);
  }
  setInt32Option(id: number, value: number): void {
    this.writeOption(id, value);
  }
  getUint32Option(id: number): number {
    return this.readNumberOption(id);
  }
  setUint32Option(id: number, value: number): void {
    this.writeOption(id, value);
  }
  getInt64Option(id: number): number {
    return this.readNumberOption(id);
  }
  setInt64Option(id: number, value: number): void {
    this.writeOption(id, value);
  }
  getUint64Option(id: number): number {
    return this.readNumberOption(id);
  }
  setUint64Option(id: number, value: number): void {
    this.writeOption(id, value);
  }
  getStringOption(id: number): string | null {
    const value = this.readOption(id);
    return value === null || value === undefined ? null : String(value);
  }
  setStringOption(id: number, value: string | Buffer | null): void {
    this.writeOption(id, value);
  }

  /** Options a socket type handles itself (SUB's subscribe/unsubscribe, XPUB's verbosity). */
  protected setSpecialOption(_id: number, _value: unknown): boolean {
    return false;
  }

  private readOption(id: number): unknown {
    const row = optionById(id);
    if (row.name === "securityMechanism") {
      return ["plain", "curve", "gssapi"].indexOf(String(this.securityMechanism)) + 1;
    }
    if (row.access === "r") return (this as unknown as Record<string, unknown>)[row.name];
    return readOptionById(this, row);
  }

  private readNumberOption(id: number): number {
    const value = this.readOption(id);
    return typeof value === "boolean" ? Number(value) : (value as number);
  }

  private writeOption(id: number, value: unknown): void {
    if (typeof id !== "number") throw new TypeError("Identifier must be a number");
    if (this.setSpecialOption(id, value)) return;
    writeOptionById(this, optionById(id), value);
  }

  // ---- endpoints ----

  /** @internal */
  [ENDPOINT_COUNT](): number {
    return new Set(this.bindings.values()).size + this.connectors.size;
  }

  /**
   * Binds an endpoint; `tcp://host:*` or `:0` lets the OS choose the port (see lastEndpoint).
   * Other endpoint operations fail with EBUSY until it settles; a close() meanwhile takes effect
   * once it has.
   */
  async bind(endpoint: string): Promise<void> {
    this.assertAddress(endpoint);
    this.assertReady();
    const { scheme, address } = withAddress(endpoint, () => parseEndpoint(endpoint));
    if (this.bindings.has(endpoint)) {
      throw new ZmqError("EADDRINUSE", `${endpoint} is already bound`, { address: endpoint });
    }
    this.blockedBy = "bind";
    let listener: Listener;
    const engines = new Set<Engine>();
    try {
      listener = await withAddressAsync(endpoint, () =>
        transportFor(scheme).listen(address, (carrier) => this.accept(carrier, engines)),
      );
    } finally {
      this.blockedBy = undefined;
    }
    const binding = { listener, engines };
    // A wildcard (`:*`, `:0`, `ipc://*`) may be bound again for another port or path: only the
    // endpoint actually bound names the binding then.
    if (!isWildcard(endpoint)) this.bindings.set(endpoint, binding);
    this.bindings.set(listener.endpoint, binding);
    this.lastBound = listener.endpoint;
    this.emit({ type: "bind", address: listener.endpoint });
    if (this.closeRequested) this.close();
  }

  async unbind(endpoint: string): Promise<void> {
    this.assertAddress(endpoint);
    this.assertReady();
    const binding = this.bindings.get(endpoint);
    if (!binding) throw new ZmqError("ENOENT", `${endpoint} is not bound`, { address: endpoint });
    for (const [key, b] of this.bindings) if (b === binding) this.bindings.delete(key);
    for (const engine of binding.engines) engine.close();
    this.blockedBy = "unbind";
    try {
      await binding.listener.close();
    } finally {
      this.blockedBy = undefined;
    }
    // libzmq's monitor reports the listening socket as closed.
    this.emit({ type: "close", address: binding.listener.endpoint });
    if (this.closeRequested) this.close();
  }

  /** Starts connecting in the background; the peer need not exist yet. */
  connect(endpoint: string): void {
    this.assertAddress(endpoint);
    this.assertReady();
    const { scheme, address } = withAddress(endpoint, () => parseEndpoint(endpoint));
    // Fail now on a bad address, not on every retry.
    if (scheme === "tcp") withAddress(endpoint, () => parseTcpAddress(address, false));
    if (this.connectors.has(endpoint)) {
      throw new ZmqError("EINVAL", `already connected to ${endpoint}`, { address: endpoint });
    }
    const connector = new Connector(endpoint, this.connectorHost);
    this.connectors.set(endpoint, connector);
    if (!this.immediate) {
      connector.pipe = new Pipe(endpoint, this.hwm);
      this.addPipe(connector.pipe);
    }
    connector.attempt();
  }

  disconnect(endpoint: string): void {
    this.assertAddress(endpoint);
    this.assertReady();
    const connector = this.connectors.get(endpoint);
    if (!connector) throw new ZmqError("ENOENT", `not connected to ${endpoint}`, { address: endpoint });
    this.stopConnector(connector);
    connector.engine?.close();
    if (connector.pipe) this.removePipe(connector.pipe);
  }

  // ---- sending ----

  send(message: MessageLike | MessageLike[]): Promise<void> {
    let frames: Message;
    try {
      this.assertReady();
      frames = this.prepareSend(toFrames(message));
      if (this.blockedSends.length === 0 && this.trySend(frames)) return this.completed(undefined);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.block(frames);
  }

  private syncOperations = 0;

  /** A promise for an operation that completed at once (see MAX_SYNC_OPERATIONS). */
  private completed<T>(value: T): Promise<T> {
    if (++this.syncOperations <= MAX_SYNC_OPERATIONS) {
      return value === undefined ? (RESOLVED as Promise<T>) : Promise.resolve(value);
    }
    this.syncOperations = 0;
    return new Promise((resolve) => setImmediate(() => resolve(value)));
  }

  private block(message: Message): Promise<void> {
    this.syncOperations = 0; // waiting lets the event loop turn anyway
    if (this.sendWait === 0) {
      return Promise.reject(new ZmqError("EAGAIN", "cannot send now: no peer has room (sendTimeout 0)"));
    }
    return new Promise<void>((resolve, reject) => {
      const blocked: BlockedSend = { message, resolve, reject };
      if (this.sendWait > 0) {
        blocked.timer = setTimeout(() => {
          this.blockedSends.removeWhere((b) => b === blocked);
          reject(new ZmqError("EAGAIN", `send timed out after ${this.sendWait} ms`));
        }, this.sendWait);
      }
      this.blockedSends.push(blocked);
    });
  }

  /**
   * Retries blocked sends, in order, once some pipe has room. A send can flush, and a flush
   * reports room again synchronously: the loop already running takes that room, so a nested
   * call returns at once instead of recursing once per batch.
   */
  protected retryBlockedSends(): void {
    if (this.retrying) return;
    this.retrying = true;
    try {
      this.drainBlockedSends();
    } finally {
      this.retrying = false;
    }
  }

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

  receive(): Promise<Buffer[]> {
    try {
      this.assertReady();
      this.checkReceive();
    } catch (e) {
      return Promise.reject(e);
    }
    for (;;) {
      const item = this.inbound.shift();
      if (!item) break;
      this.consumed(item.pipe);
      const message = this.deliver(item.pipe, item.message);
      if (message) return this.completed(message);
    }
    this.syncOperations = 0; // waiting lets the event loop turn anyway
    return new Promise<Buffer[]>((resolve, reject) => {
      const receiver: Receiver = { resolve, reject };
      if (this.receiveWait >= 0) {
        receiver.timer = setTimeout(() => {
          this.receivers.removeWhere((r) => r === receiver);
          reject(new ZmqError("EAGAIN", `receive timed out after ${this.receiveWait} ms`));
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
        if (this.isClosed) return;
        throw e;
      }
    }
  }

  /** Called for each complete message from a peer. */
  protected pipeMessage(pipe: Pipe, message: Buffer[]): void {
    // A waiting receiver means the queue is empty: hand the message over directly.
    if (this.receivers.length > 0) {
      const delivered = this.deliver(pipe, message);
      if (!delivered) return;
      const receiver = this.receivers.shift()!;
      if (receiver.timer) clearTimeout(receiver.timer);
      receiver.resolve(delivered);
      return;
    }
    this.inbound.push({ pipe, message });
    pipe.inCount++;
    const hwm = this.receiveHwm;
    if (hwm > 0 && pipe.inCount >= hwm && !pipe.readPaused && pipe.engine) {
      pipe.readPaused = true;
      pipe.engine.pauseReading();
    }
  }

  /** receive() calls waiting for a message. */
  protected get waitingReceives(): number {
    return this.receivers.length;
  }

  private consumed(pipe: Pipe): void {
    pipe.inCount--;
    if (pipe.readPaused && pipe.inCount < this.receiveHwm) {
      pipe.readPaused = false;
      pipe.engine?.resumeReading();
    }
  }

  // ---- closing ----

  /**
   * Closes the socket: pending receives and blocked sends reject with EAGAIN, queued messages
   * linger per the linger option. During a bind or unbind, closing waits for it to settle.
   */
  close(): void {
    if (this.isClosed) return;
    if (this.blockedBy) {
      this.closeRequested = true;
      return;
    }
    this.isClosed = true;
    // As libzmq's monitor: the event stream ends now; connections closed by closing are not reported.
    this.emit({ type: "end" });
    this.events.close();
    for (const connector of this.connectors.values()) this.stopConnector(connector);
    for (const binding of new Set(this.bindings.values())) void binding.listener.close();
    this.bindings.clear();
    for (const engine of this.engines) this.closeEngine(engine);
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

  /** Lingers per the linger option: what is queued for a connected peer still goes out. */
  private closeEngine(engine: Engine): void {
    const pipe = [...this.pipes].find((p) => p.engine === engine);
    if (this.linger === 0 || !pipe || engine.state !== "ready") {
      engine.close();
      return;
    }
    pipe.drain();
    if (pipe.outQueue.length === 0) engine.closeGracefully();
    if (this.linger > 0) {
      const t = setTimeout(() => engine.close(), this.linger);
      (t as { unref?: () => void }).unref?.();
    }
  }

  // ---- connections ----

  private stopConnector(connector: Connector): void {
    connector.stop();
    this.connectors.delete(connector.endpoint);
  }

  /** How connectors reach back into this socket. */
  private readonly connectorHost: ConnectorHost = {
    settings: this,
    connected: (connector, carrier) => {
      this.emit({ type: "connect", address: connector.endpoint });
      return this.startEngine(carrier, connector, undefined);
    },
    attempting: (connector) => this.emit({ type: "connect:delay", address: connector.endpoint }),
    failed: (connector) => this.emit({ type: "close", address: connector.endpoint }),
    retrying: (connector, interval) => this.emit({ type: "connect:retry", address: connector.endpoint, interval }),
  };

  private accept(carrier: Carrier, engines: Set<Engine>): void {
    if (this.isClosed) {
      carrier.destroy();
      return;
    }
    this.emit({ type: "accept", address: carrier.remoteAddress });
    const engine = this.startEngine(carrier, undefined, engines);
    engines.add(engine);
  }

  private startEngine(
    carrier: Carrier,
    connector: Connector | undefined,
    bindingEngines: Set<Engine> | undefined,
  ): Engine {
    let pipe: Pipe | undefined;
    let ready = false;
    const owner: EngineOwner = {
      engineReady: (engine) => {
        pipe = connector?.pipe ?? new Pipe(connector?.endpoint ?? engine.remoteAddress, this.hwm);
        const refusal = this.acceptPeer(pipe, engine, connector?.endpoint);
        if (refusal) {
          pipe = connector?.pipe;
          engine.refuse(refusal);
          return;
        }
        ready = true;
        pipe.engine = engine;
        if (connector) {
          connector.resetBackoff();
          if (!connector.pipe) {
            connector.pipe = pipe;
            this.addPipe(pipe);
          }
        } else {
          this.addPipe(pipe);
        }
        this.emit({ type: "handshake", address: connector?.endpoint ?? engine.remoteAddress });
        this.pipeConnected(pipe);
        pipe.drain();
        this.pipeWritable(pipe);
      },
      engineMessage: (_engine, frames) => this.pipeMessage(pipe!, frames),
      engineSubscription: (_engine, subscribe, topic) => this.pipeSubscription(pipe!, subscribe, topic),
      engineWritable: () => {
        if (!pipe || !ready) return;
        pipe.drain();
        if (this.isClosed) {
          if (pipe.outQueue.length === 0) pipe.engine?.closeGracefully();
          return;
        }
        this.pipeWritable(pipe);
      },
      engineClosed: (engine, error) =>
        this.engineClosed(engine, error, ready ? pipe : undefined, connector, bindingEngines),
    };
    const engine = new Engine(carrier, this.engineOptions(!connector), owner);
    this.engines.add(engine);
    engine.start();
    return engine;
  }

  private engineClosed(
    engine: Engine,
    error: ZmqError | undefined,
    pipe: Pipe | undefined,
    connector: Connector | undefined,
    bindingEngines: Set<Engine> | undefined,
  ): void {
    this.engines.delete(engine);
    bindingEngines?.delete(engine);
    const address = connector?.endpoint ?? engine.remoteAddress;
    if (error) {
      const type = pipe
        ? "error:protocol"
        : isHandshakeProtocolError(error)
          ? "handshake:error:protocol"
          : "handshake:error:other";
      if (pipe || error.code !== "ECONNRESET") this.emit({ type, address, error });
    }
    if (pipe) {
      pipe.engine = undefined;
      if (pipe.readPaused) pipe.readPaused = false;
      this.pipeDisconnected(pipe);
      if (!connector || this.immediate) this.removePipe(pipe);
      if (connector && this.immediate) connector.pipe = undefined;
    }
    this.emit({ type: "disconnect", address, error });
    if (connector?.active) connector.scheduleReconnect();
  }

  private engineOptions(bound: boolean) {
    return {
      socketType: this.socketType,
      routingId: this.routingIdBytes,
      mechanism: this.mechanism,
      bound,
      maxMessageSize: this.maxMessageSize,
      heartbeatInterval: this.heartbeatInterval,
      heartbeatTimeout: this.heartbeatTimeout,
      heartbeatTimeToLive: this.heartbeatTimeToLive,
      handshakeTimeout: this.handshakeInterval,
    };
  }

  private addPipe(pipe: Pipe): void {
    this.pipes.add(pipe);
    this.pipeAdded(pipe);
    this.retryBlockedSends();
  }

  private removePipe(pipe: Pipe): void {
    if (!this.pipes.delete(pipe)) return;
    // Messages already received from that peer stay readable, as in libzmq.
    this.pipeRemoved(pipe);
  }

  protected emit(event: SocketEvent): void {
    this.events.emit(event);
  }

  /** EBADF once closed, EBUSY while a bind or unbind is in progress. */
  protected assertReady(): void {
    if (this.isClosed || this.closeRequested) throw new ZmqError("EBADF", "the socket is closed");
    if (this.blockedBy) {
      throw new ZmqError("EBUSY", `a ${this.blockedBy} is in progress`, {
        message: "Socket is blocked by a bind or unbind operation",
      });
    }
  }

  private assertAddress(endpoint: unknown): asserts endpoint is string {
    if (typeof endpoint !== "string") throw new TypeError("Address must be a string");
  }

  // ---- hooks for socket types ----

  /** Validates and shapes an outgoing message (REQ adds its envelope); throws a ZmqError. */
  protected prepareSend(message: Message): Message {
    return message;
  }

  /** Hands the message to a pipe; false when it must wait for room. */
  protected abstract trySend(message: Message): boolean;

  /** Throws when receive() is not allowed now (ENOTSUP, EFSM). */
  protected checkReceive(): void {}

  /** A send would be taken at once (for the `writable` property). */
  protected canSendNow(): boolean {
    for (const pipe of this.pipes) if (!pipe.full) return true;
    return false;
  }

  /** A queued message may be received now (for the `readable` property). */
  protected canReceiveNow(): boolean {
    try {
      this.checkReceive();
      return true;
    } catch {
      return false;
    }
  }

  /** Shapes a queued message on its way to the caller; undefined drops it. */
  protected deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    return message;
  }

  /** Refuses a peer after its handshake (PAIR's second peer, a duplicate ROUTER identity). */
  protected acceptPeer(_pipe: Pipe, _engine: Engine, _connectedTo: string | undefined): ZmqError | undefined {
    return undefined;
  }

  /** A pipe exists: messages may be queued to it (connected or not). */
  protected pipeAdded(_pipe: Pipe): void {}
  /** The peer of a pipe completed its handshake. */
  protected pipeConnected(_pipe: Pipe): void {}
  /** The peer of a pipe went away (a connecting pipe stays, waiting for the reconnect). */
  protected pipeDisconnected(_pipe: Pipe): void {}
  protected pipeRemoved(_pipe: Pipe): void {}
  protected pipeSubscription(_pipe: Pipe, _subscribe: boolean, _topic: Buffer): void {}
  /** A pipe has room again. */
  protected pipeWritable(_pipe: Pipe): void {
    this.retryBlockedSends();
  }
}

/** libzmq's socket type numbers, which the native package's `type` property gives. */
const SOCKET_TYPE_NUMBERS: Record<SocketTypeName, number> = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
};

function isWildcard(endpoint: string): boolean {
  return /:(\*|0)$/.test(endpoint) || endpoint === "ipc://*";
}

/** Runs a parse step; its EINVAL or EPROTONOSUPPORT names the endpoint, as libzmq's do. */
function withAddress<T>(endpoint: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw addressed(e, endpoint);
  }
}

async function withAddressAsync<T>(endpoint: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    throw addressed(e, endpoint);
  }
}

function addressed(e: unknown, endpoint: string): unknown {
  if (!(e instanceof ZmqError) || e.address !== undefined) return e;
  return new ZmqError(e.code, e.detail ?? e.message, { address: endpoint, cause: e.cause });
}

const PROTOCOL_CODES = new Set(["EPROTO", "EMSGSIZE", "EVERSION", "EMECHANISM", "ESOCKTNOSUPPORT"]);

/** Errors caused by what the peer sent, as opposed to our refusal or the transport failing. */
function isHandshakeProtocolError(error: ZmqError): boolean {
  return PROTOCOL_CODES.has(error.code);
}

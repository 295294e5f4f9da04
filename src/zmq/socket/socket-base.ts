import { Buffer } from "node:buffer";
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
import { applyOptions, defineOptions, OPTION_VALUES, SOCKET_OPTIONS } from "./options.js";
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

/**
 * What every socket type shares: endpoints, connections and reconnection, the receive queue
 * (fair-queued by arrival), blocking sends, options and events. A socket type says how it
 * routes by overriding the hooks at the bottom.
 */
export abstract class Socket implements AsyncIterable<Buffer[]> {
  abstract readonly type: SocketTypeName;
  readonly events = new SocketEvents();

  // Options: accessors defined from SOCKET_OPTIONS below, which check every assignment.
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
  readonly [OPTION_VALUES]: Record<string, unknown> = {};
  /** The last endpoint bound, with the port the OS chose. */
  lastEndpoint: string | null = null;

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
  private readonly hwm = () => this.sendHighWaterMark;

  /**
   * Socket classes call this last in their constructor, once their own fields exist, passing
   * themselves. An unknown option (a typo) is a TypeError and a bad value a TypeError or EINVAL,
   * never silently ignored. The socket is then sealed, so that a typo in an assignment after
   * construction (`socket.lingr = 0`) fails too; a user's subclass is left unsealed.
   */
  protected configure(options: object | undefined, cls: abstract new (...args: never[]) => Socket): void {
    applyOptions(this, options, this.type);
    if (this.constructor === cls) Object.seal(this);
  }

  get routingId(): string | null {
    return this.routingIdBytes ? this.routingIdBytes.toString("latin1") : null;
  }

  set routingId(value: string | Uint8Array | null) {
    if (value === null || value === undefined) {
      this.routingIdBytes = undefined;
      return;
    }
    const bytes = typeof value === "string" ? Buffer.from(value, "latin1") : Buffer.from(value);
    if (bytes.length > 255) throw new ZmqError("EINVAL", "routingId is at most 255 octets");
    if (bytes.length > 0 && bytes[0] === 0) {
      throw new ZmqError("EINVAL", "routingId may not start with a zero octet (reserved)");
    }
    this.routingIdBytes = bytes;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  // ---- endpoints ----

  async bind(endpoint: string): Promise<void> {
    this.assertOpen();
    const { scheme, address } = parseEndpoint(endpoint);
    if (this.bindings.has(endpoint)) throw new ZmqError("EADDRINUSE", `${endpoint} is already bound`);
    const engines = new Set<Engine>();
    const listener = await transportFor(scheme).listen(address, (carrier) => this.accept(carrier, engines));
    if (this.isClosed) {
      await listener.close();
      throw new ZmqError("ETERM", "socket closed while binding");
    }
    const binding = { listener, engines };
    this.bindings.set(endpoint, binding);
    if (listener.endpoint !== endpoint) this.bindings.set(listener.endpoint, binding);
    this.lastEndpoint = listener.endpoint;
    this.emit({ type: "bind", address: listener.endpoint });
  }

  async unbind(endpoint: string): Promise<void> {
    this.assertOpen();
    const binding = this.bindings.get(endpoint);
    if (!binding) throw new ZmqError("ENOENT", `${endpoint} is not bound`);
    for (const [key, b] of this.bindings) if (b === binding) this.bindings.delete(key);
    for (const engine of binding.engines) engine.close();
    await binding.listener.close();
    this.emit({ type: "unbind", address: binding.listener.endpoint });
  }

  /** Starts connecting in the background; the peer need not exist yet. */
  connect(endpoint: string): void {
    this.assertOpen();
    const { scheme, address } = parseEndpoint(endpoint);
    if (scheme === "tcp") parseTcpAddress(address, false); // fail now on a bad address, not on retry
    if (this.connectors.has(endpoint)) throw new ZmqError("EINVAL", `already connected to ${endpoint}`);
    const connector = new Connector(endpoint, this.connectorHost);
    this.connectors.set(endpoint, connector);
    if (!this.immediate) {
      connector.pipe = new Pipe(endpoint, this.hwm);
      this.addPipe(connector.pipe);
    }
    connector.attempt();
  }

  disconnect(endpoint: string): void {
    this.assertOpen();
    const connector = this.connectors.get(endpoint);
    if (!connector) throw new ZmqError("ENOENT", `not connected to ${endpoint}`);
    this.stopConnector(connector);
    connector.engine?.close();
    if (connector.pipe) this.removePipe(connector.pipe);
  }

  // ---- sending ----

  send(message: MessageLike | MessageLike[]): Promise<void> {
    if (this.isClosed) return Promise.reject(new ZmqError("ETERM", "socket is closed"));
    let frames: Message;
    try {
      frames = this.prepareSend(toFrames(message));
      if (this.blockedSends.length === 0 && this.trySend(frames)) return RESOLVED;
    } catch (e) {
      return Promise.reject(e);
    }
    return this.block(frames);
  }

  private block(message: Message): Promise<void> {
    if (this.sendTimeout === 0) {
      return Promise.reject(new ZmqError("EAGAIN", "cannot send now: no peer has room (sendTimeout 0)"));
    }
    return new Promise<void>((resolve, reject) => {
      const blocked: BlockedSend = { message, resolve, reject };
      if (this.sendTimeout > 0) {
        blocked.timer = setTimeout(() => {
          this.blockedSends.removeWhere((b) => b === blocked);
          reject(new ZmqError("EAGAIN", `send timed out after ${this.sendTimeout} ms`));
        }, this.sendTimeout);
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
    if (this.isClosed) return Promise.reject(new ZmqError("ETERM", "socket is closed"));
    try {
      this.checkReceive();
    } catch (e) {
      return Promise.reject(e);
    }
    for (;;) {
      const item = this.inbound.shift();
      if (!item) break;
      this.consumed(item.pipe);
      const message = this.deliver(item.pipe, item.message);
      if (message) return Promise.resolve(message);
    }
    return new Promise<Buffer[]>((resolve, reject) => {
      const receiver: Receiver = { resolve, reject };
      if (this.receiveTimeout >= 0) {
        receiver.timer = setTimeout(() => {
          this.receivers.removeWhere((r) => r === receiver);
          reject(new ZmqError("EAGAIN", `receive timed out after ${this.receiveTimeout} ms`));
        }, this.receiveTimeout);
      }
      this.receivers.push(receiver);
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer[]> {
    while (!this.isClosed) {
      try {
        yield await this.receive();
      } catch (e) {
        if ((e as ZmqError).code === "ETERM") return;
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
    const hwm = this.receiveHighWaterMark;
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
    if (pipe.readPaused && pipe.inCount < this.receiveHighWaterMark) {
      pipe.readPaused = false;
      pipe.engine?.resumeReading();
    }
  }

  // ---- closing ----

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const connector of this.connectors.values()) this.stopConnector(connector);
    for (const binding of new Set(this.bindings.values())) void binding.listener.close();
    this.bindings.clear();
    for (const engine of this.engines) this.closeEngine(engine);
    const closedError = () => new ZmqError("ETERM", "socket closed");
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
    this.emit({ type: "close", address: "" });
    this.emit({ type: "end", address: "" });
    this.events.close();
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
        const refusal = this.acceptPeer(pipe, engine);
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
      socketType: this.type,
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

  protected assertOpen(): void {
    if (this.isClosed) throw new ZmqError("ETERM", "socket is closed");
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

  /** Shapes a queued message on its way to the caller; undefined drops it. */
  protected deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    return message;
  }

  /** Refuses a peer after its handshake (PAIR's second peer, a duplicate ROUTER identity). */
  protected acceptPeer(_pipe: Pipe, _engine: Engine): ZmqError | undefined {
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

defineOptions(Socket, SOCKET_OPTIONS);

const PROTOCOL_CODES = new Set(["EPROTO", "EMSGSIZE", "EVERSION", "EMECHANISM", "ESOCKTNOSUPPORT"]);

/** Errors caused by what the peer sent, as opposed to our refusal or the transport failing. */
function isHandshakeProtocolError(error: ZmqError): boolean {
  return PROTOCOL_CODES.has(error.code);
}

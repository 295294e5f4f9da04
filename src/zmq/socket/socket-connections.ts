import { Buffer } from "node:buffer";
import type { Connection, ConnectionOwner } from "../engine/connection.js";
import { Engine, type EngineOptions } from "../engine/engine.js";
import { AuthError, ZmqError } from "../errors.js";
import { nullMechanism } from "../mechanism/null.js";
import type { MechanismFactory } from "../mechanism/mechanism.js";
import { curveMechanism } from "../mechanism/curve.js";
import { generateKeyPair, publicKeyOf } from "../mechanism/curve-box.js";
import { plainMechanism } from "../mechanism/plain.js";
import { curveKey } from "../mechanism/z85.js";
import type { Carrier, Listener } from "../transport/carrier.js";
import { parseTcpAddress, parseWsAddress } from "../transport/endpoint.js";
import type { WsAccess } from "../transport/ws-access.js";
import { parseHosts, parseOrigins } from "../transport/ws-origins.js";
import { parseEndpoint, transportFor } from "../transport/index.js";
import { ZAP_CLIENT } from "../context.js";
import type { OptionName } from "./option-table.js";
import { Connector, type ConnectorHost } from "./connector.js";
import { Pipe } from "./pipe.js";
import { ENDPOINT_COUNT, SocketCore } from "./socket-core.js";
import { unref } from "../util/timers.js";

const EMPTY = new Uint8Array(0);

interface Binding {
  listener: Listener;
  engines: Set<Connection>;
}

/**
 * The second layer of every socket: its endpoints (bind, connect), their connections and
 * reconnection, one ZMTP engine per connection, and the pipes that stand for peers. What goes
 * through the pipes is the message layer's (socket-base.ts); how a socket type treats its peers
 * is said by the pipe hooks at the bottom.
 */
export abstract class SocketConnections extends SocketCore {
  protected readonly pipes = new Set<Pipe>();
  private readonly bindings = new Map<string, Binding>();
  /** One per connect() call: an endpoint may be connected more than once, as in libzmq. */
  private readonly connectors = new Set<Connector>();
  private readonly engines = new Set<Connection>();
  private readonly hwm = () => this.sendHwm;

  /** The mechanism the security options ask for, read afresh for each connection. */
  private securityFor(): MechanismFactory {
    const curveSecret = curveKey(this.option("curveSecretKey"));
    if (this.option("curveServer")) {
      if (!curveSecret) throw new ZmqError("EINVAL", "a CURVE server needs curveSecretKey");
      return curveMechanism({ server: true, keys: { secretKey: curveSecret, publicKey: publicKeyOf(curveSecret) } });
    }
    const serverKey = curveKey(this.option("curveServerKey"));
    if (serverKey) {
      // A client without keys of its own gets a fresh pair: only a ZAP handler would care.
      const keys = curveSecret ? { secretKey: curveSecret, publicKey: publicKeyOf(curveSecret) } : generateKeyPair();
      return curveMechanism({ server: false, keys, serverKey });
    }
    if (this.option("plainServer")) return plainMechanism({ server: true });
    const username = this.option("plainUsername");
    if (username !== null) {
      const password = this.option("plainPassword") ?? new Uint8Array(0);
      return plainMechanism({ server: false, credentials: { username, password } });
    }
    return nullMechanism;
  }
  private readonly conflateNow = () => this.conflating;

  // ---- endpoints ----

  /** @internal */
  override [ENDPOINT_COUNT](): number {
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
      const error = new ZmqError("EADDRINUSE", `${endpoint} is already bound`, { address: endpoint });
      this.emit({ type: "close" });
      this.emit({ type: "bind:error", address, error });
      throw error;
    }
    this.blockedBy = "bind";
    let listener: Listener;
    const engines = new Set<Connection>();
    try {
      listener = await withAddressAsync(endpoint, () =>
        transportFor(scheme).listen(address, (carrier) => this.accept(carrier, engines), {
          mechanism: this.securityFor().name,
          maxMessageSize: this.option("maxMessageSize"),
          tls: { certPem: this.optionText("wssCertPem"), keyPem: this.optionText("wssKeyPem") },
          access: this.wsAccess(),
          messageTimeout: this.option("wsMessageTimeout") ?? 0,
        }),
      );
    } catch (e) {
      // As libzmq's monitor reports a failed bind: its socket closed, then the failure, with the
      // address as libzmq writes it (no scheme).
      this.emit({ type: "close" });
      this.emit({ type: "bind:error", address, error: e as ZmqError });
      throw e;
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
    if (scheme === "ws" || scheme === "wss") withAddress(endpoint, () => parseWsAddress(address, false));
    const connector = new Connector(endpoint, this.connectorHost);
    this.connectors.add(connector);
    if (!this.option("immediate")) {
      connector.pipe = new Pipe(endpoint, this.hwm, this.conflateNow);
      this.addPipe(connector.pipe);
    }
    connector.attempt();
  }

  disconnect(endpoint: string): void {
    this.assertAddress(endpoint);
    this.assertReady();
    // Every connection made to that endpoint goes, as libzmq's zmq_disconnect does.
    const connectors = [...this.connectors].filter((c) => c.endpoint === endpoint);
    if (connectors.length === 0) throw new ZmqError("ENOENT", `not connected to ${endpoint}`, { address: endpoint });
    for (const connector of connectors) {
      this.stopConnector(connector);
      connector.engine?.close();
      if (connector.pipe) this.removePipe(connector.pipe);
    }
  }

  // ---- connections ----

  /** Stops connecting and listening, and closes each connection (lingering per the option). */
  protected closeConnections(): void {
    for (const connector of [...this.connectors]) this.stopConnector(connector);
    for (const binding of new Set(this.bindings.values())) void binding.listener.close();
    this.bindings.clear();
    for (const engine of this.engines) this.closeEngine(engine);
  }

  /** Lingers per the linger option: what is queued for a connected peer still goes out. */
  private closeEngine(engine: Connection): void {
    const pipe = [...this.pipes].find((p) => p.engine === engine);
    if (this.option("linger") === 0 || !pipe || engine.state !== "ready") {
      engine.close();
      return;
    }
    pipe.drain();
    if (pipe.outQueue.length === 0) engine.closeGracefully();
    if (this.option("linger") > 0) {
      unref(setTimeout(() => engine.close(), this.option("linger")));
    }
  }

  private stopConnector(connector: Connector): void {
    connector.stop();
    this.connectors.delete(connector);
  }

  /** How connectors reach back into this socket. */
  private readonly connectorHost: ConnectorHost = {
    settings: {
      reconnectInterval: () => this.option("reconnectInterval"),
      reconnectMaxInterval: () => this.option("reconnectMaxInterval"),
      closed: () => this.closed,
    },
    connected: (connector, carrier) => {
      this.emit({ type: "connect", address: connector.endpoint });
      return this.startEngine(carrier, connector, undefined);
    },
    connectOptions: () => ({
      timeout: this.option("connectTimeout"),
      keepAlive: this.keepAlive(),
      mechanism: this.securityFor().name,
      maxMessageSize: this.option("maxMessageSize"),
      tls: {
        trustPem: this.optionText("wssTrustPem"),
        trustSystem: this.option("wssTrustSystem") ?? true,
        hostname: this.optionText("wssHostname"),
      },
    }),
    attempting: (connector) => this.emit({ type: "connect:delay", address: connector.endpoint }),
    failed: (connector) => this.emit({ type: "close", address: connector.endpoint }),
    retrying: (connector, interval) => this.emit({ type: "connect:retry", address: connector.endpoint, interval }),
  };

  /** tcpKeepalive -1 leaves the OS default; tcpKeepaliveIdle is in seconds, as in libzmq. */
  private keepAlive(): { enable: boolean; idleMs: number } | undefined {
    const mode = this.option("tcpKeepalive");
    if (mode < 0) return undefined;
    const idle = this.option("tcpKeepaliveIdle");
    return { enable: mode === 1, idleMs: idle > 0 ? idle * 1000 : 0 };
  }

  private accept(carrier: Carrier, engines: Set<Connection>): void {
    if (this.isClosed) {
      carrier.destroy();
      return;
    }
    this.emit({ type: "accept", address: carrier.remoteAddress });
    const keepAlive = this.keepAlive();
    if (keepAlive) carrier.setKeepAlive?.(keepAlive.enable, keepAlive.idleMs);
    const engine = this.startEngine(carrier, undefined, engines);
    engines.add(engine);
  }

  private startEngine(
    carrier: Carrier,
    connector: Connector | undefined,
    bindingEngines: Set<Connection> | undefined,
  ): Connection {
    let pipe: Pipe | undefined;
    let ready = false;
    const owner: ConnectionOwner = {
      engineReady: (engine) => {
        pipe = connector?.pipe ?? new Pipe(connector?.endpoint ?? engine.remoteAddress, this.hwm, this.conflateNow);
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
        // libzmq's probe: an empty message first, so that a ROUTER learns of us at once.
        if (this.option("probeRouter")) engine.sendMessage([EMPTY]);
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
    const engine = this.createConnection(carrier, this.engineOptions(!connector), owner);
    this.engines.add(engine);
    engine.start();
    return engine;
  }

  private engineClosed(
    engine: Connection,
    error: ZmqError | undefined,
    pipe: Pipe | undefined,
    connector: Connector | undefined,
    bindingEngines: Set<Connection> | undefined,
  ): void {
    this.engines.delete(engine);
    bindingEngines?.delete(engine);
    const address = connector?.endpoint ?? engine.remoteAddress;
    if (error) {
      const type = pipe
        ? "error:protocol"
        : error instanceof AuthError
          ? "handshake:error:auth"
          : isHandshakeProtocolError(error)
            ? "handshake:error:protocol"
            : "handshake:error:other";
      if (pipe || error.code !== "ECONNRESET") this.emit({ type, address, error });
    }
    if (pipe) {
      pipe.engine = undefined;
      if (pipe.readPaused) pipe.readPaused = false;
      this.pipeDisconnected(pipe);
      if (!connector || this.option("immediate")) this.removePipe(pipe);
      if (connector && this.option("immediate")) connector.pipe = undefined;
    }
    this.emit({ type: "disconnect", address, error });
    if (connector?.active) connector.scheduleReconnect();
  }

  /** Who may open a WebSocket to what this socket binds: its ws* options. */
  private wsAccess(): WsAccess {
    const origins = this.optionText("wsAllowedOrigins");
    const hosts = this.optionText("wsAllowedHosts");
    return {
      origins: origins === undefined ? new Set() : parseOrigins(origins),
      hosts: hosts === undefined ? undefined : parseHosts(hosts),
      token: this.optionText("wsToken"),
    };
  }

  /** A string option as text; undefined when unset. */
  private optionText(name: OptionName): string | undefined {
    const value = this.option(name) as Uint8Array | null;
    return value ? Buffer.from(value).toString("utf8") : undefined;
  }

  private engineOptions(bound: boolean) {
    return {
      socketType: this.socketType,
      routingId: this.routingIdBytes,
      mechanism: this.securityFor(),
      bound,
      maxMessageSize: this.option("maxMessageSize"),
      heartbeatInterval: this.option("heartbeatInterval"),
      heartbeatTimeout: this.option("heartbeatTimeout"),
      heartbeatTimeToLive: this.option("heartbeatTimeToLive"),
      handshakeTimeout: this.option("handshakeInterval"),
      zap: this.context[ZAP_CLIENT](),
      zapDomain: Buffer.from(this.option("zapDomain") ?? new Uint8Array(0)).toString("utf8"),
      zapEnforceDomain: this.option("zapEnforceDomain") ?? false,
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

  /** A ZMTP engine; STREAM sockets speak raw bytes instead. */
  protected createConnection(carrier: Carrier, options: EngineOptions, owner: ConnectionOwner): Connection {
    return new Engine(carrier, options, owner);
  }

  // ---- what the message layer provides ----

  abstract close(): void;

  /** Called for each complete message from a peer. */
  protected abstract pipeMessage(pipe: Pipe, message: Buffer[]): void;
  /** Some pipe may have room again: retry the sends that wait. */
  protected abstract retryBlockedSends(): void;

  // ---- hooks for socket types ----

  /** Refuses a peer after its handshake (PAIR's second peer, a duplicate ROUTER identity). */
  protected acceptPeer(_pipe: Pipe, _engine: Connection, _connectedTo: string | undefined): ZmqError | undefined {
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

import type { Buffer } from "node:buffer";
import type { Connection, ConnectionOwner, PeerInfo } from "../engine/connection.js";
import { Engine, type EngineOptions } from "../engine/engine.js";
import { UdpConnection } from "../engine/udp-connection.js";
import { ZmqError } from "../errors.js";
import type { MechanismFactory } from "../mechanism/mechanism.js";
import { selectMechanism } from "../mechanism/select.js";
import { type Carrier, isDatagramCarrier, type Listener } from "../transport/carrier.js";
import { parseTcpAddress, parseWsAddress } from "../transport/endpoint.js";
import { parseEndpoint, transportFor } from "../transport/index.js";
import { INPROC_SCOPE, ZAP_CLIENT } from "../context.js";
import type { SocketEvent } from "../events.js";
import { Pipe, type PipeLimits } from "./pipe.js";
import type { PipeEvents } from "./pipe-events.js";
import {
  connectOptionsOf,
  engineOptionsOf,
  keepAliveOf,
  listenOptionsOf,
  type OptionReader,
  securityOf,
} from "./settings.js";
import { type Lingering, trackForExit, untrackForExit } from "./exit-wait.js";
import { Session, type SessionHost } from "./session.js";
import { ENDPOINT_COUNT, SocketCore } from "./socket-core.js";
import { expectArguments } from "../util/arguments.js";
import { isWildcard, withAddress, withAddressAsync } from "./endpoint-errors.js";

/**
 * libzmq's monitor reports a failed bind's socket closed with no address, though the native
 * package types `close` events with one (it leaves out an empty address).
 */
const UNADDRESSED_CLOSE = { type: "close" } as SocketEvent;

interface Binding {
  listener: Listener;
  /** The sessions of the connections it accepted (dropped by unbind). */
  sessions: Set<Session>;
}

/**
 * The second layer of every socket: its endpoints (bind, connect), their connections and
 * reconnection, one ZMTP engine per connection, and the pipes that stand for peers. What goes
 * through the pipes is the message layer's (socket.ts); how a socket type treats its peers
 * is said by the pipe hooks at the bottom.
 * @internal
 */
export abstract class SocketConnections extends SocketCore implements PipeEvents {
  protected readonly pipes: Set<Pipe> = new Set<Pipe>();
  private readonly bindings = new Map<string, Binding>();
  /** Every peer link: one per connect() call (an endpoint may be connected more than once, as in libzmq), one per accepted connection. */
  private readonly sessions = new Set<Session>();
  private readonly pipeLimits: PipeLimits = {
    sendHighWaterMark: () => this.sendHwm,
    sendHighWaterBytes: () => this.sendHwmBytes,
    conflate: () => this.conflating,
  };

  /** Reads an option as the socket keeps it, for the settings adapters (settings.ts). */
  private readonly read: OptionReader = (name) => this.option(name);

  /** The mechanism the security options ask for, for a new session. */
  private mechanism(): MechanismFactory {
    return selectMechanism(securityOf(this.read, this.context.curveWorkers()));
  }

  // ---- endpoints ----

  /** @internal */
  override [ENDPOINT_COUNT](): number {
    let connects = 0;
    for (const session of this.sessions) if (session.endpoint !== undefined) connects++;
    // A bind under way counts (options set meanwhile apply to the next bind, as libzmq warns).
    return new Set(this.bindings.values()).size + connects + (this.blockedBy === "bind" ? 1 : 0);
  }

  /**
   * Binds an endpoint; `tcp://host:*` or `:0` lets the OS choose the port (see lastEndpoint).
   * Other endpoint operations fail with EBUSY until it settles; a close() meanwhile takes effect
   * once it has.
   */
  async bind(endpoint: string): Promise<void> {
    expectArguments(arguments.length, 1);
    this.assertAddress(endpoint);
    this.assertReady();
    const { scheme, address } = withAddress(endpoint, () => parseEndpoint(endpoint));
    if (scheme === "udp") withAddress(endpoint, () => this.assertUdp("bind"));
    const monitored = scheme !== "inproc";
    if (this.bindings.has(endpoint)) {
      const error = new ZmqError("EADDRINUSE", `${endpoint} is already bound`, { address: endpoint });
      if (monitored) this.bindFailed(address, error);
      throw error;
    }
    this.blockedBy = "bind";
    let listener: Listener;
    const sessions = new Set<Session>();
    // Events of accepted connections name the endpoint bound, as libzmq's monitor does.
    const bound = { endpoint: endpoint };
    try {
      // The connections a bind accepts share one mechanism, chosen now, as the bind's options.
      const mechanism = withAddress(endpoint, () => this.mechanism());
      listener = await withAddressAsync(endpoint, () =>
        transportFor(scheme).listen(
          address,
          (carrier) => this.accept(carrier, mechanism, sessions, bound),
          listenOptionsOf(this.read, mechanism, this.context[INPROC_SCOPE]()),
        ),
      );
    } catch (e) {
      // As libzmq's monitor reports a failed bind: its socket closed, then the failure, with the
      // address as libzmq writes it (no scheme).
      if (monitored) this.bindFailed(address, e as ZmqError);
      throw e;
    } finally {
      this.blockedBy = undefined;
    }
    bound.endpoint = listener.endpoint;
    const binding = { listener, sessions };
    // A wildcard (`:*`, `:0`, `ipc://*`) may be bound again for another port or path: only the
    // endpoint actually bound names the binding then.
    if (!isWildcard(endpoint)) this.bindings.set(endpoint, binding);
    this.bindings.set(listener.endpoint, binding);
    this.lastBound = listener.endpoint;
    if (monitored) this.emit({ type: "bind", address: listener.endpoint });
    if (this.closeRequested) this.close();
  }

  /** libzmq's udp:// (draft): bound by a DISH or DGRAM, connected by a RADIO, DISH or DGRAM. */
  private assertUdp(use: "bind" | "connect"): void {
    const role = this.typeRow.udp;
    if (role === "none" || (use === "bind" && role !== "bind")) {
      throw new ZmqError("ENOCOMPATPROTO", `${this.socketType} sockets cannot use udp:// this way`);
    }
  }

  private bindFailed(address: string, error: ZmqError): void {
    this.emit(UNADDRESSED_CLOSE);
    this.emit({ type: "bind:error", address, error });
  }

  /**
   * libzmq's monitor says nothing about inproc: no engine, no connection to report (connect,
   * handshake, accept, disconnect, close: none of them).
   */
  private emitMonitored(event: SocketEvent): void {
    if ("address" in event && event.address.startsWith("inproc://")) return;
    this.emit(event);
  }

  /**
   * The native package's deprecated synchronous bind. JavaScript here cannot block on the
   * operating system, so the bind starts now and completes as bind() does: its failure comes as
   * a `bind:error` event, and `lastEndpoint` is set once it is done.
   */
  bindSync(endpoint: string): void {
    this.bindInTurn(endpoint).catch(() => {}); // reported as a bind:error event
  }

  /**
   * @internal A synchronous bind (bindSync, the v5 API's): what bind() refuses before any I/O
   * (not a string, a malformed endpoint, an unknown transport, a closed socket) is thrown at
   * once, as the native package's do; the bind then starts after the synchronous binds and
   * unbinds before it (which the native package would have finished), and the promise settles
   * with it.
   */
  bindInTurn(endpoint: string): Promise<void> {
    this.assertAddress(endpoint);
    // Busy with an earlier synchronous bind is no refusal: this one waits its turn.
    if (this.isClosed || this.syncEndpointOps === 0) this.assertReady();
    const { scheme, address } = withAddress(endpoint, () => parseEndpoint(endpoint));
    if (scheme === "tcp") withAddress(endpoint, () => parseTcpAddress(address, true));
    if (scheme === "ws" || scheme === "wss") withAddress(endpoint, () => parseWsAddress(address, true));
    return this.inTurn(() => this.bind(endpoint));
  }

  /** The native package's deprecated synchronous unbind: it starts after the synchronous binds before it. */
  unbindSync(endpoint: string): void {
    this.inTurn(() => this.unbind(endpoint)).catch(() => {});
  }

  /** Synchronous binds and unbinds under way, and the end of the last one. */
  private syncEndpointOps = 0;
  private lastSyncEndpointOp: Promise<void> = Promise.resolve();

  private inTurn(operation: () => Promise<void>): Promise<void> {
    const started = this.syncEndpointOps === 0 ? operation() : this.lastSyncEndpointOp.then(operation);
    this.syncEndpointOps++;
    const settled = started.finally(() => {
      this.syncEndpointOps--;
    });
    this.lastSyncEndpointOp = settled.catch(() => {});
    return settled;
  }

  /**
   * Stops listening on `endpoint` (as bound, or as `lastEndpoint` says) and closes the connections
   * accepted there. As libzmq (unbind and disconnect both end an endpoint, whichever way it was
   * made), an endpoint connected to is disconnected.
   */
  async unbind(endpoint: string): Promise<void> {
    expectArguments(arguments.length, 1);
    this.assertAddress(endpoint);
    this.assertReady();
    // As libzmq: an unknown transport is EPROTONOSUPPORT before "not bound".
    withAddress(endpoint, () => parseEndpoint(endpoint));
    const binding = this.bindings.get(endpoint);
    if (!binding) {
      if (this.endConnections(endpoint)) return;
      throw new ZmqError("ENOENT", `${endpoint} is not bound`, { address: endpoint });
    }
    this.blockedBy = "unbind";
    try {
      await this.endBinding(binding);
    } finally {
      this.blockedBy = undefined;
    }
    if (this.closeRequested) this.close();
  }

  /** Forgets a binding at once, closes what it accepted, and resolves once it stopped listening. */
  private async endBinding(binding: { listener: Listener; sessions: Set<Session> }): Promise<void> {
    for (const [key, b] of this.bindings) if (b === binding) this.bindings.delete(key);
    for (const session of binding.sessions) session.drop();
    await binding.listener.close();
    // libzmq's monitor reports the listening socket as closed.
    this.emitMonitored({ type: "close", address: binding.listener.endpoint });
  }

  /** Stops the connect()s to `endpoint`; false when there was none. */
  private endConnections(endpoint: string): boolean {
    // Every connection made to that endpoint goes, as libzmq's zmq_disconnect does.
    const sessions = [...this.sessions].filter((s) => s.endpoint === endpoint);
    for (const session of sessions) session.stop();
    return sessions.length > 0;
  }

  /** Starts connecting in the background; the peer need not exist yet. */
  connect(endpoint: string): void {
    expectArguments(arguments.length, 1);
    this.assertAddress(endpoint);
    this.assertReady();
    const { scheme, address } = withAddress(endpoint, () => parseEndpoint(endpoint));
    // Fail now on a bad address, not on every retry.
    if (scheme === "udp") withAddress(endpoint, () => this.assertUdp("connect"));
    if (scheme === "tcp" || scheme === "udp") withAddress(endpoint, () => parseTcpAddress(address, false));
    if (scheme === "ws" || scheme === "wss") withAddress(endpoint, () => parseWsAddress(address, false));
    const mechanism = withAddress(endpoint, () => this.mechanism());
    this.sessions.add(Session.connect(this.sessionHost, endpoint, mechanism));
    trackForExit(this.exitView);
  }

  /**
   * Stops connecting to `endpoint` (as given to connect()): no more attempts, its connection
   * closed, its queue dropped. As libzmq, a bound endpoint is unbound.
   */
  disconnect(endpoint: string): void {
    expectArguments(arguments.length, 1);
    this.assertAddress(endpoint);
    this.assertReady();
    withAddress(endpoint, () => parseEndpoint(endpoint));
    if (this.endConnections(endpoint)) return;
    // As libzmq: a bound endpoint is ended too (it stops listening now; its close event follows).
    const binding = this.bindings.get(endpoint);
    if (!binding) throw new ZmqError("ENOENT", `not connected to ${endpoint}`, { address: endpoint });
    void this.endBinding(binding);
  }

  // ---- connections ----

  /** What the exit wait reads of this socket (exit-wait.ts). */
  private readonly exitView: Lingering = {
    queuedMessages: () => {
      let n = 0;
      for (const pipe of this.pipes) n += pipe.pending;
      return n;
    },
    lingerMs: () => this.option("linger"),
  };

  /**
   * The socket closes: a `close` event per listener, in bind order (libzmq's, for listeners
   * with no connection; with connections its order follows memory addresses).
   */
  protected reportListenersClosing(): void {
    for (const binding of new Set(this.bindings.values())) {
      this.emitMonitored({ type: "close", address: binding.listener.endpoint });
    }
  }

  /** Stops connecting and listening, and closes each connection (lingering per the option). */
  protected closeConnections(): void {
    untrackForExit(this.exitView);
    for (const binding of new Set(this.bindings.values())) void binding.listener.close();
    this.bindings.clear();
    for (const session of [...this.sessions]) session.close();
  }

  private accept(
    carrier: Carrier,
    mechanism: MechanismFactory,
    sessions: Set<Session>,
    bound: { endpoint: string },
  ): void {
    if (this.isClosed) {
      carrier.destroy();
      return;
    }
    this.emitMonitored({ type: "accept", address: bound.endpoint });
    const keepAlive = keepAliveOf(this.read);
    if (keepAlive) carrier.setKeepAlive?.(keepAlive.enable, keepAlive.idleMs);
    const session = Session.accept(this.sessionHost, carrier, mechanism, bound.endpoint);
    // Its engine may have ended already (a carrier that closed at once).
    if (session.engine) {
      this.sessions.add(session);
      sessions.add(session);
      this.bindingOf.set(session, sessions);
    }
  }

  /** The accepted sessions' binding, so that an ended session leaves it. */
  private readonly bindingOf = new WeakMap<Session, Set<Session>>();

  /** How sessions reach back into this socket: the one interface between the two. */
  private readonly sessionHost: SessionHost = {
    events: this,
    isClosed: () => this.isClosed,
    settings: {
      immediate: () => this.option("immediate"),
      probeRouter: () => this.option("probeRouter"),
      linger: () => this.option("linger"),
      reconnectInterval: () => this.option("reconnectInterval"),
      reconnectMaxInterval: () => this.option("reconnectMaxInterval"),
    },
    connectOptions: (mechanism) => connectOptionsOf(this.read, mechanism, this.context[INPROC_SCOPE]()),
    openConnection: (carrier, mechanism, bound, owner) => this.openConnection(carrier, mechanism, bound, owner),
    newPipe: (endpoint) => new Pipe(endpoint, this.pipeLimits),
    emit: (event) => this.emitMonitored(event),
    acceptPeer: (pipe, peer, connectedTo) => this.acceptPeer(pipe, peer, connectedTo),
    attachPipe: (pipe) => this.addPipe(pipe),
    detachPipe: (pipe) => this.removePipe(pipe),
    sessionEnded: (session) => {
      this.sessions.delete(session);
      this.bindingOf.get(session)?.delete(session);
    },
  };

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

  /** A ZMTP engine, or datagrams for udp://; STREAM sockets speak raw bytes instead. */
  protected openConnection(
    carrier: Carrier,
    mechanism: MechanismFactory,
    bound: boolean,
    owner: ConnectionOwner,
  ): Connection {
    if (isDatagramCarrier(carrier)) return new UdpConnection(carrier, owner, this.socketType === "DGRAM");
    return new Engine(carrier, this.engineOptions(mechanism, bound), owner);
  }

  /** An engine's settings, from the options and what the socket is. */
  protected engineOptions(mechanism: MechanismFactory, bound: boolean): EngineOptions {
    const socket = { socketType: this.socketType, routingId: this.routingIdBytes, zap: this.context[ZAP_CLIENT]() };
    return engineOptionsOf(this.read, socket, mechanism, bound);
  }

  // ---- what the message layer provides ----

  abstract close(): void;

  /**
   * Called for each complete message from a peer (PipeEvents).
   * @ignore @internal
   */
  abstract pipeMessage(pipe: Pipe, message: Buffer[]): void;
  /** Some pipe may have room again: retry the sends that wait. */
  protected abstract retryBlockedSends(): void;

  // ---- hooks for socket types ----

  /** Refuses a peer after its handshake (PAIR's second peer, a duplicate ROUTER identity). */
  protected acceptPeer(
    _pipe: Pipe,
    _peer: PeerInfo | undefined,
    _connectedTo: string | undefined,
  ): ZmqError | undefined {
    return undefined;
  }

  /** A pipe exists: messages may be queued to it (connected or not). */
  protected pipeAdded(_pipe: Pipe): void {}

  /**
   * The peer of a pipe completed its handshake (PipeEvents).
   * @ignore @internal
   */
  pipeConnected(_pipe: Pipe): void {}

  /**
   * The peer of a pipe went away; a connecting pipe stays, waiting for the reconnect (PipeEvents).
   * @ignore @internal
   */
  pipeDisconnected(_pipe: Pipe): void {}

  protected pipeRemoved(_pipe: Pipe): void {}

  /**
   * SUBSCRIBE / CANCEL, or a DISH's JOIN / LEAVE (PipeEvents).
   * @ignore @internal
   */
  pipeSubscription(_pipe: Pipe, _subscribe: boolean, _topic: Buffer): void {}

  /**
   * A pipe has room again (PipeEvents).
   * @ignore @internal
   */
  pipeWritable(_pipe: Pipe): void {
    this.retryBlockedSends();
  }
}

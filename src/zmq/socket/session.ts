import type { Buffer } from "node:buffer";
import type { Connection, ConnectionOwner, PeerInfo } from "../engine/connection.js";
import { AuthError, type ZmqError, ZmtpProtocolError } from "../errors.js";
import type { SocketEvent } from "../events.js";
import type { MechanismFactory } from "../mechanism/mechanism.js";
import type { Carrier, ConnectOptions } from "../transport/carrier.js";
import { unref } from "../util/timers.js";
import { Connector } from "./connector.js";
import type { Pipe } from "./pipe.js";
import type { PipeEvents } from "./pipe-events.js";

const EMPTY = new Uint8Array(0);

/**
 * What a session needs from its socket: one narrow interface, so that the socket layers and the
 * sessions do not reach into each other. What happens to the pipe goes to `events`.
 */
export interface SessionHost {
  /** Where the pipe's events go: the socket itself. */
  readonly events: PipeEvents;
  isClosed(): boolean;
  /** The socket's options that a session reads when it needs them. */
  readonly settings: {
    immediate(): boolean;
    probeRouter(): boolean;
    linger(): number;
    reconnectInterval(): number;
    reconnectMaxInterval(): number;
  };
  /** Settings of the next connection attempt (connectTimeout, keepalive, TLS...). */
  connectOptions(mechanism: MechanismFactory): ConnectOptions;
  /** The connection over a carrier: a ZMTP engine, raw bytes for STREAM, datagrams for udp://. */
  openConnection(carrier: Carrier, mechanism: MechanismFactory, bound: boolean, owner: ConnectionOwner): Connection;
  newPipe(endpoint: string): Pipe;
  emit(event: SocketEvent): void;
  /** The socket type's say on a peer after its handshake (PAIR's second, a duplicate ROUTER id). */
  acceptPeer(pipe: Pipe, peer: PeerInfo | undefined, connectedTo: string | undefined): ZmqError | undefined;
  /** The pipe now stands for a peer of the socket (messages may be queued to it). */
  attachPipe(pipe: Pipe): void;
  /** The pipe no longer stands for a peer (it is gone for good). */
  detachPipe(pipe: Pipe): void;
  /** The session has no connection and will make none: the socket forgets it. */
  sessionEnded(session: Session): void;
}

/**
 * One peer link of a socket (libzmq's session_base): made by connect(), or by a bound socket
 * accepting a connection. It owns the pipe that stands for the peer (for a connect, from the
 * start, before any connection exists, unless `immediate`), the connector that (re)connects, the
 * engine while a connection is attached, the security mechanism (chosen once for the session),
 * and what the end of each connection means (which event, whether to reconnect).
 */
export class Session implements ConnectionOwner {
  /** The pipe of this link: kept across reconnections. */
  pipe: Pipe | undefined;
  /** The connection attached now, if any. */
  engine: Connection | undefined;
  /** The attached connection finished its handshake and the peer was accepted. */
  private ready = false;
  /** The socket was told that this session is over (sessionEnded), and which pipes it was told are gone. */
  private ended = false;
  private readonly detached = new WeakSet<Pipe>();
  private readonly connector: Connector | undefined;

  private constructor(
    private readonly host: SessionHost,
    /** The endpoint given to connect(), or undefined for a session of a bound socket. */
    readonly endpoint: string | undefined,
    readonly mechanism: MechanismFactory,
    /** For a session of a bound socket: the endpoint bound, which its events name (as libzmq's). */
    private readonly boundTo?: string,
  ) {
    if (endpoint === undefined) return;
    this.connector = new Connector(endpoint, {
      settings: { ...host.settings, closed: () => host.isClosed() },
      connectOptions: () => host.connectOptions(mechanism),
      connected: (_connector, carrier) => this.attach(carrier),
      attempting: () => host.emit({ type: "connect:delay", address: endpoint }),
      failed: () => host.emit({ type: "close", address: endpoint }),
      retrying: (_connector, interval) => host.emit({ type: "connect:retry", address: endpoint, interval }),
    });
  }

  /** A connect(): the pipe exists at once (unless `immediate`), the first attempt starts. */
  static connect(host: SessionHost, endpoint: string, mechanism: MechanismFactory): Session {
    const session = new Session(host, endpoint, mechanism);
    if (!host.settings.immediate()) {
      session.pipe = host.newPipe(endpoint);
      host.attachPipe(session.pipe);
    }
    session.connector!.attempt();
    return session;
  }

  /** A connection accepted by a bound socket: its engine starts at once. */
  static accept(host: SessionHost, carrier: Carrier, mechanism: MechanismFactory, boundTo: string): Session {
    const session = new Session(host, undefined, mechanism, boundTo);
    session.attach(carrier);
    return session;
  }

  /** The address events name: the endpoint connected to, or the endpoint bound. */
  get address(): string {
    return this.endpoint ?? this.boundTo ?? "";
  }

  /** A connection for this link: its engine starts (greeting, handshake). */
  private attach(carrier: Carrier): void {
    if (this.endpoint !== undefined) this.host.emit({ type: "connect", address: this.endpoint });
    const engine = this.host.openConnection(carrier, this.mechanism, this.endpoint === undefined, this);
    this.engine = engine;
    this.ready = false;
    engine.start();
  }

  // ---- what the engine reports ----

  engineReady(engine: Connection): void {
    const pipe = this.pipe ?? this.host.newPipe(this.endpoint ?? engine.remoteAddress);
    const refusal = this.host.acceptPeer(pipe, engine.peer, this.endpoint);
    if (refusal) {
      engine.refuse(refusal);
      return;
    }
    this.ready = true;
    pipe.attach(engine);
    this.connector?.resetBackoff();
    if (!this.pipe) {
      this.pipe = pipe;
      this.host.attachPipe(pipe);
    }
    this.host.emit({ type: "handshake", address: this.address });
    // libzmq's probe: an empty message first, so that a ROUTER learns of us at once.
    if (this.host.settings.probeRouter()) engine.sendMessage([EMPTY]);
    this.host.events.pipeConnected(pipe);
    pipe.drain();
    this.host.events.pipeWritable(pipe);
  }

  engineMessage(_engine: Connection, frames: Buffer[]): void {
    this.host.events.pipeMessage(this.pipe!, frames);
  }

  engineSubscription(_engine: Connection, subscribe: boolean, topic: Buffer): void {
    this.host.events.pipeSubscription(this.pipe!, subscribe, topic);
  }

  engineWritable(): void {
    const pipe = this.pipe;
    if (!pipe || !this.ready) return;
    pipe.drain();
    if (this.host.isClosed()) {
      if (pipe.queued === 0) pipe.closeAfterQueued();
      return;
    }
    this.host.events.pipeWritable(pipe);
  }

  engineClosed(_engine: Connection, error: ZmqError | undefined): void {
    const pipe = this.ready ? this.pipe : undefined;
    this.engine = undefined;
    this.ready = false;
    const address = this.address;
    // A failure during the handshake is an event of its own, as libzmq reports it (a peer that
    // ends or breaks the connection then included: EPIPE, ECONNRESET); after it, libzmq
    // reports nothing but the disconnection, which carries the error here (ours).
    if (error && !pipe) this.host.emit(handshakeFailure(error, address));
    if (pipe) {
      pipe.detach();
      this.host.events.pipeDisconnected(pipe);
      // A bound socket's peer is gone for good; a connect's pipe waits for the reconnection,
      // unless `immediate` wants pipes only for connected peers.
      if (this.endpoint === undefined || this.host.settings.immediate()) {
        this.detachPipe(pipe);
        this.pipe = undefined;
      }
    }
    const broken = pipe && error && error.code !== "ECONNRESET" ? { error } : {};
    this.host.emit({ type: "disconnect", address, ...broken });
    // As libzmq: a protocol or authentication failure ends a connect() for good (the peer will
    // answer the same again); a broken or timed-out connection is made again.
    if (this.connector?.active && !(error && isProtocolFailure(error))) {
      this.connector.scheduleReconnect();
      return;
    }
    this.connector?.stop();
    if (this.pipe) {
      this.detachPipe(this.pipe);
      this.pipe = undefined;
    }
    this.end();
  }

  // ---- ending ----

  /** disconnect(): no more attempts, the connection (if any) closed, the pipe gone. */
  stop(): void {
    this.connector?.stop();
    this.engine?.close();
    if (this.pipe) this.detachPipe(this.pipe);
    this.end();
  }

  /** Tells the socket once that the pipe no longer stands for a peer. */
  private detachPipe(pipe: Pipe): void {
    if (this.detached.has(pipe)) return;
    this.detached.add(pipe);
    this.host.detachPipe(pipe);
  }

  /** Tells the socket once that this session is over. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.host.sessionEnded(this);
  }

  /** A connect() whose connection is under way: connecting now, or in its handshake. */
  private connecting(): boolean {
    if (!this.connector) return false;
    return this.engine ? !this.ready && this.engine.state !== "closed" : this.connector.attempting;
  }

  /** unbind(): the connection dropped at once. */
  drop(): void {
    this.engine?.close();
  }

  /**
   * The socket closes: no more attempts, and the connection closes after what is queued for the
   * peer has gone, for `linger` ms at most (0: at once; -1: for as long as it takes).
   */
  close(): void {
    const linger = this.host.settings.linger();
    const pipe = this.pipe;
    if (linger !== 0 && pipe && pipe.queued > 0 && this.connecting()) {
      // connect(), send(), close() in one go: as libzmq's session, the connection under way is
      // let finish, and what waits for it written (engineWritable), for `linger` ms at most.
      this.connector!.lastAttempt();
      if (linger > 0) unref(setTimeout(() => this.stop(), linger));
      return;
    }
    this.connector?.stop();
    const engine = this.engine;
    if (!engine) return;
    if (linger === 0 || !pipe || !this.ready || engine.state !== "ready") {
      engine.close();
      return;
    }
    pipe.drain();
    if (pipe.queued === 0) engine.closeGracefully();
    if (linger > 0) unref(setTimeout(() => engine.close(), linger));
  }
}

const PROTOCOL_CODES = new Set(["EPROTO", "EMSGSIZE", "EVERSION", "EMECHANISM", "ESOCKTNOSUPPORT"]);

/** What the peer's bytes or its refusal caused, as opposed to the transport failing or a timeout. */
function isProtocolFailure(error: ZmqError): boolean {
  return error instanceof AuthError || error.zmtp !== undefined || PROTOCOL_CODES.has(error.code);
}

/**
 * The event that reports a handshake's failure, as libzmq's monitor (and so the native package)
 * reports it: an authentication failure (with the ZAP status), a protocol failure (with libzmq's
 * ERR_ZMTP_* code and "ZMTP protocol error", what exactly happened as `detail`), or anything
 * else (with its errno).
 */
function handshakeFailure(error: ZmqError, address: string): SocketEvent {
  if (error instanceof AuthError) return { type: "handshake:error:auth", address, error };
  if (!isProtocolFailure(error)) return { type: "handshake:error:other", address, error };
  const code = error.zmtp ?? "ERR_ZMTP_UNSPECIFIED";
  return {
    type: "handshake:error:protocol",
    address,
    error: new ZmtpProtocolError(code, error.detail ?? error.message),
  };
}

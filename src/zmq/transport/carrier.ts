import type { Buffer } from "node:buffer";
import type { WsAccess } from "./ws/ws-access.js";

/**
 * One connection, whatever carries it (TCP, a Unix socket, memory, a WebSocket). The ZMTP
 * engine sees only this.
 */
export interface Carrier {
  /** Human-readable peer address, for events. */
  readonly remoteAddress: string;
  /**
   * Absent for a byte stream (ZMTP: greeting, then frames with their headers). For ZWS 2.0
   * (RFC 45), the security mechanism the WebSocket handshake agreed ("NULL", "PLAIN", "CURVE",
   * or "" for ZWS2.0 with no mechanism); there is no greeting then, and each chunk read or
   * written is one whole frame: a flags octet, then the body.
   */
  readonly zwsMechanism?: string;
  /** Installs the handlers; data flows only after this call. */
  start(handlers: CarrierHandlers): void;
  /** Writes the chunks in order; false means "wait for onDrain before writing more". */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Stops reading (back-pressure: the receiver's high-water mark). */
  pause(): void;
  /** Reads again after pause(). */
  resume(): void;
  /** Half-closes after pending writes are flushed. */
  end(): void;
  /**
   * Drops the connection now. With `error` (the peer broke the protocol, or sent too much), a
   * carrier that can tell the peer why first does so (a WebSocket's close frame, 1002 or 1009).
   */
  destroy(error?: Error): void;
  /**
   * Bodies larger than this many octets are written by reference rather than copied into the
   * write batch (default: 8 KiB). The in-process carrier hands chunks over as they are, so with
   * its small limit the receiver gets the sender's very memory, as with libzmq's inproc.
   */
  readonly copyLimit?: number;
  /** TCP keepalive, where the carrier has it: probes after `idleMs` of silence. */
  setKeepAlive?(enable: boolean, idleMs: number): void;
}

/** Settings of one connection attempt (the socket's connectTimeout and tcpKeepalive options). */
export interface ConnectOptions {
  /** inproc://: the name space (the socket's context, when not the global one); absent: the process-wide one. */
  inprocScope?: object;
  /** The socket's security mechanism, for transports that announce it (ZWS). */
  mechanism?: string;
  /** The socket's maxMessageSize, for transports that buffer whole messages (ZWS). */
  maxMessageSize?: number;
  /** wss://: whom to trust (PEM; undefined for the system's authorities alone), and the name to check. */
  tls?: {
    /** Certificate authorities to trust (PEM); undefined: the system's alone. */
    trustPem?: string;
    /** Trust the system's certificate authorities (as well as trustPem's). */
    trustSystem: boolean;
    /** The name the server's certificate must bear (default: the endpoint's host). */
    hostname?: string;
  };
  /** ms the attempt may take; 0 = the OS's own limit. */
  timeout?: number;
  /** TCP keepalive; absent = the OS default. */
  keepAlive?: {
    /** Turns keepalive probes on or off. */
    enable: boolean;
    /** ms of idleness before the first probe (tcpKeepaliveIdle, in ms); 0 leaves the OS's. */
    idleMs: number;
  };
  /** Gives the attempt up (the socket disconnected or closed meanwhile); it then rejects. */
  signal?: AbortSignal;
}

/** What a carrier calls as its connection runs (installed by Carrier.start()). */
export interface CarrierHandlers {
  /** Bytes read: for a byte stream, any amount; for ZWS and datagrams, one whole frame or datagram. */
  data(chunk: Buffer): void;
  /**
   * Optional zero-copy reads: where the next bytes should land when the reader already has
   * their final place (the rest of a large frame body). A carrier that can read into it does,
   * and then reports targetFilled(n) instead of data().
   */
  readTarget?(): Uint8Array | undefined;
  /** `n` octets were read into the buffer readTarget() gave. */
  targetFilled?(n: number): void;
  /**
   * How many octets the next ordinary read should take at most, when the reader expects a
   * large frame's header: a short read, then the body straight into its buffer, copies less.
   */
  readSize?(): number | undefined;
  /** What write() could not take at once has gone: writing may resume. */
  drain(): void;
  /** Called once, when the stream is gone; `error` when it ended abnormally. */
  close(error?: Error): void;
}

/** A transport's bound endpoint: what it accepts comes as carriers. */
export interface Listener {
  /** The endpoint as bound, with the port the OS chose (`tcp://127.0.0.1:41234`). */
  readonly endpoint: string;
  /** Stops listening; what was accepted stays open. */
  close(): Promise<void>;
}

/** Settings of one listener (the socket's options that concern its transport). */
export interface ListenOptions {
  /** inproc://: the name space (the socket's context, when not the global one); absent: the process-wide one. */
  inprocScope?: object;
  /** The socket's security mechanism, for transports that negotiate it (ZWS). */
  mechanism?: string;
  /** The socket's maxMessageSize, for transports that buffer whole messages (ZWS). */
  maxMessageSize?: number;
  /** wss://: the server's certificate chain and key (PEM). */
  tls?: {
    /** The server's certificate chain (PEM). */
    certPem?: string;
    /** The server's private key (PEM). */
    keyPem?: string;
  };
  /** ws:// and wss://: which pages, hosts and tokens may connect (default: no page, any host, no token). */
  access?: WsAccess;
  /** ws:// and wss://: ms a peer may take to finish a message it has begun; 0 = no limit. */
  messageTimeout?: number;
  /** Connections accepted at once; past it a new one is closed at once. 0 or undefined: no limit. */
  maxConnections?: number;
}

/** One scheme (`tcp`, `ipc`, `ws`...): how to listen and how to connect; other carriers plug in here. */
export interface Transport {
  /** Listens at `address` (the part after `scheme://`), calling `accept` with each connection. */
  listen(address: string, accept: (carrier: Carrier) => void, options?: ListenOptions): Promise<Listener>;
  /** Resolves once the stream is established, rejects when it could not be. */
  connect(address: string, options?: ConnectOptions): Promise<Carrier>;
}

/** Where a datagram goes or came from. */
export interface DatagramPeer {
  host: string;
  port: number;
}

/**
 * A carrier of datagrams (udp://, for RADIO, DISH and DGRAM): each chunk read is one whole
 * datagram, and `source` names its sender while data() runs; each write sends one datagram, to
 * the connected peer or to `to`.
 */
export interface DatagramCarrier extends Carrier {
  readonly datagram: true;
  /** The sender of the datagram being delivered (valid during the data() call only). */
  readonly source: DatagramPeer | undefined;
  send(datagram: Uint8Array, to?: DatagramPeer): void;
}

export function isDatagramCarrier(carrier: Carrier): carrier is DatagramCarrier {
  return (carrier as Partial<DatagramCarrier>).datagram === true;
}

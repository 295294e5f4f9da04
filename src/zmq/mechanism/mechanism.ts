import type { Buffer } from "node:buffer";
import type { Command, Metadata } from "../codec/command.js";
import type { ZapClient } from "./zap.js";

/** What a mechanism needs to know about our side of the connection. */
export interface HandshakeContext {
  /** Our properties for the READY (or equivalent) command: Socket-Type, Identity. */
  metadata: ReadonlyArray<[string, Uint8Array | string]>;
  /** True on the side that bound (NULL) or that was configured as server (PLAIN, CURVE). */
  asServer: boolean;
  /** Who may be asked to admit a peer (servers of PLAIN and CURVE, NULL with a ZAP domain). */
  zap?: ZapClient;
  /** The socket's ZAP domain. */
  zapDomain?: string;
  /** Refuse peers when no ZAP handler is bound (CURVE, NULL with a domain), as libzmq's option. */
  zapEnforceDomain?: boolean;
  /** The peer's IP address, for ZAP. */
  peerAddress?: string;
  /** Our routing id, for ZAP. */
  routingId?: Uint8Array;
}

export interface HandshakeStep {
  /** Command bodies to send now. */
  send: Buffer[];
  /** Set once the handshake is complete: the peer's metadata. */
  peerMetadata?: Metadata;
}

/**
 * A security mechanism drives the handshake after the greeting: NULL, PLAIN and CURVE each
 * implement it (null.ts, plain.ts, curve/curve.ts); select.ts picks one from a socket's options.
 */
export interface Mechanism {
  readonly name: string;
  /**
   * Commands to send as soon as the greetings have been exchanged; a promise when they wait: for
   * the ZAP handler (NULL with a ZAP domain), or for CURVE's boxes to load. Nothing is read
   * meanwhile (engine/handshake.ts).
   */
  start(): Buffer[] | Promise<Buffer[]>;
  /**
   * Handles one handshake command; throws a ZmqError (or rejects) to refuse the peer. A promise
   * stands for a step that waits (a ZAP handler's answer).
   */
  handle(command: Command): HandshakeStep | Promise<HandshakeStep>;
  /** After the handshake: how frames are wrapped; absent when they travel as they are (NULL, PLAIN). */
  framing?(): FrameCodec | undefined;
}

/** What a mechanism does to each frame once the handshake is done (CURVE's MESSAGE boxes). */
export interface FrameCodec {
  /** The frame to write for one message frame (`more`) or one command body (`command`). */
  encode(body: Uint8Array, more: boolean, command: boolean): Uint8Array;
  /** What a written frame holds; throws a ProtocolError for anything that does not open. */
  decode(frame: Uint8Array): OpenedFrame;
  /**
   * As encode(), on another thread: a promise for a large frame when the codec has worker
   * threads, undefined when the frame is to be encoded here. The frame's place in the stream is
   * taken now, so frames must be written in the order they were asked for.
   */
  encodeLater?(body: Uint8Array, more: boolean, command: boolean): Promise<Uint8Array> | undefined;
  /**
   * As decode(), on another thread (same terms as encodeLater). What can be checked at once is
   * (a malformed or replayed frame throws); a box that does not open rejects with a ProtocolError.
   */
  decodeLater?(frame: Uint8Array): Promise<OpenedFrame> | undefined;
}

export interface OpenedFrame {
  body: Buffer;
  more: boolean;
  command: boolean;
}

export interface MechanismFactory {
  /** Name announced in the greeting, e.g. "NULL". */
  readonly name: string;
  /** The greeting's as-server bit. */
  asServer(bound: boolean): boolean;
  create(context: HandshakeContext): Mechanism;
}

import type { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { FrameBatch } from "./frame-batch.js";
import type { Outgoing } from "./outgoing.js";

/** Largest frame read before the handshake is done (greeting, HELLO, INITIATE, READY...). */
export const HANDSHAKE_FRAME_LIMIT = 64 * 1024;

/**
 * How frames travel on one kind of carrier: a ZMTP byte stream (zmtp-wire.ts) or ZWS 2.0's
 * WebSocket messages (zws-wire.ts). The engine (engine.ts) picks one when it is made and does
 * the rest alike for both: the handshake, messages, heartbeats and closing.
 */
export interface Wire {
  /** Where outgoing frames are encoded, as this wire writes them. */
  readonly batch: FrameBatch;
  /**
   * What comes before the handshake: our greeting (ZMTP), nothing (ZWS: the WebSocket handshake
   * agreed the mechanism). Throws a ZmqError when the peer cannot be spoken to.
   */
  start(out: Outgoing): void;
  /** What the carrier read: any number of octets (ZMTP), one whole frame (ZWS). Throws on bad input. */
  read(chunk: Buffer): void;
  /** Zero-copy reads of large bodies (CarrierHandlers.readTarget), for a wire that has them. */
  readTarget?(): Uint8Array | undefined;
  /** How much the next read should take (CarrierHandlers.readSize), for a wire that says. */
  readSize?(): number | undefined;
  /** `n` octets were read into readTarget()'s buffer. */
  targetFilled?(n: number): void;
  /** The handshake is done: frames may be as large as the socket's maxMessageSize from now on. */
  handshakeDone(): void;
  /** Whether a peer of this ZMTP minor version is sent heartbeats. */
  pings(minor: number): boolean;
  /** The connection closed: nothing more is read. */
  stop(): void;
}

/** What a wire tells the engine as it reads. */
export interface WireLink {
  /** One frame read, with ZMTP's flag values whatever the wire's own (called unbound, by the decoder). */
  readonly frame: (flags: number, body: Buffer) => void;
  /** The security mechanism's turn; `minor` is the peer's ZMTP minor version. */
  beginHandshake(minor: number): void;
  /** Bare ZWS2.0 has no mechanism: the handshake is each side's routing id, as a first message. */
  beginBareHandshake(): void;
  /** Bare ZWS2.0: the peer's routing id came; the connection is ready. */
  bareHandshakeDone(routingId: Buffer): void;
}

/** The peer announced another mechanism than ours: nothing can be said to it. */
export function mechanismMismatch(ours: string, theirs: string): ZmqError {
  return new ZmqError("EMECHANISM", `security mechanism mismatch: we use ${ours}, the peer ${theirs}`, {
    zmtp: "ERR_ZMTP_MECHANISM_MISMATCH",
  });
}

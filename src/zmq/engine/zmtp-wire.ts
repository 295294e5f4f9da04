import { Buffer } from "node:buffer";
import { FrameDecoder } from "../codec/decoder.js";
import { encodeGreeting, GreetingReader } from "../codec/greeting.js";
import type { MechanismFactory } from "../mechanism/mechanism.js";
import type { Outgoing } from "./outgoing.js";
import { HANDSHAKE_FRAME_LIMIT, mechanismMismatch, type Wire, type WireLink } from "./wire.js";
import { WriteBatch } from "./write-batch.js";

const EMPTY = Buffer.alloc(0);

/** What the ZMTP wire needs of the socket's options. */
export interface ZmtpWireOptions {
  mechanism: MechanismFactory;
  bound: boolean;
  maxMessageSize: number;
}

/**
 * ZMTP over a byte stream (tcp, ipc, inproc): a greeting each way, then frames with their
 * headers, which arrive in chunks of any size and are decoded as they come.
 */
export class ZmtpWire implements Wire {
  readonly batch: WriteBatch;
  private readonly decoder: FrameDecoder;
  private readonly greetingReader = new GreetingReader();
  private greeted = false;

  constructor(
    copyLimit: number | undefined,
    private readonly options: ZmtpWireOptions,
    private readonly link: WireLink,
  ) {
    this.batch = new WriteBatch(copyLimit);
    // The link's own function, not a wrapper: one call fewer for every frame.
    this.decoder = new FrameDecoder(link.frame);
    // Until the handshake is done, only commands may come, and none needs more than 64 KiB
    // (a CURVE INITIATE's metadata would otherwise be opened at any size before we know the peer).
    this.decoder.maxFrameSize = HANDSHAKE_FRAME_LIMIT;
  }

  start(out: Outgoing): void {
    const { mechanism, bound } = this.options;
    this.batch.addRaw(encodeGreeting(mechanism.name, mechanism.asServer(bound)));
    out.flush();
  }

  read(chunk: Buffer): void {
    if (!this.greeted) {
      chunk = this.readGreeting(chunk);
      // The handshake may have ended the connection already (the decoder is stopped then).
      if (chunk.length === 0 || !this.greeted) return;
    }
    this.decoder.push(chunk);
  }

  readTarget(): Uint8Array | undefined {
    return this.decoder.directTarget();
  }

  readSize(): number | undefined {
    return this.decoder.preferredReadSize();
  }

  targetFilled(n: number): void {
    this.decoder.filled(n);
  }

  handshakeDone(): void {
    // maxMessageSize bounds each frame, as libzmq's does.
    this.decoder.maxFrameSize = this.options.maxMessageSize;
  }

  /** ZMTP 3.0 has no PING: such peers are not pinged (their own PINGs are still answered). */
  pings(minor: number): boolean {
    return minor >= 1;
  }

  stop(): void {
    this.decoder.stop();
  }

  /** Consumes greeting octets; returns what follows the greeting in this chunk. */
  private readGreeting(chunk: Buffer): Buffer {
    const read = this.greetingReader.read(chunk);
    if (!read) return EMPTY;
    const { greeting, rest } = read;
    const ours = this.options.mechanism.name;
    if (greeting.mechanism !== ours) throw mechanismMismatch(ours, greeting.mechanism || "(none)");
    this.greeted = true;
    // A peer of a later major version speaks ours, 3.1, to us (the greeting's version negotiation).
    this.link.beginHandshake(greeting.major > 3 ? 1 : greeting.minor);
    return rest;
  }
}

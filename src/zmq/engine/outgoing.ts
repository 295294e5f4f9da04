import { setImmediate } from "node:timers";
import type { FrameCodec } from "../mechanism/mechanism.js";
import type { Carrier } from "../transport/carrier.js";
import type { FrameBatch } from "./frame-batch.js";
import { WriteBatch } from "./write-batch.js";
import { ZwsBatch } from "./zws-batch.js";

/** A batch this large is written at once rather than at the end of the event-loop turn. */
const FLUSH_MESSAGES = 512;
const FLUSH_BYTES = 256 * 1024;
/**
 * In a turn where the peer sent us something (it is waiting on us: requests and replies on one
 * connection), batches leave every this many messages, so that the peer starts on the first
 * ones while we produce the rest: the two processes then overlap instead of taking turns.
 * Streams that only flow one way keep the large batches.
 */
const EAGER_FLUSH_MESSAGES = 8;

/**
 * What a connection writes: frames gathered into a batch and handed to the carrier in one write
 * at the end of the event-loop turn (or sooner, see the limits above), and the carrier's
 * back-pressure (`blocked` until it drains).
 */
export class Outgoing {
  /** The carrier asked us to wait for a drain. */
  blocked = false;
  /** CURVE's MESSAGE boxes, once the handshake is done: frames and commands are sealed. */
  codec: FrameCodec | undefined;
  private readonly batch: FrameBatch;
  private flushScheduled = false;
  /** Data came in this turn: see EAGER_FLUSH_MESSAGES. */
  private peerWaiting = false;

  constructor(
    private readonly carrier: Carrier,
    zws: boolean,
    /** Whether writing still makes sense (the connection is not closed). */
    private readonly open: () => boolean,
    /** Messages left and the carrier took them all: the socket may send more. */
    private readonly writable: () => void,
  ) {
    this.batch = zws ? new ZwsBatch() : new WriteBatch(carrier.copyLimit);
  }

  /** Messages encoded but not yet handed to the carrier. */
  get messages(): number {
    return this.batch.messages;
  }

  /** The peer sent data this turn. */
  peerSent(): void {
    this.peerWaiting = true;
  }

  message(frames: readonly Uint8Array[]): void {
    const codec = this.codec;
    if (codec) {
      const last = frames.length - 1;
      this.batch.addSealedMessage(frames.map((f, i) => codec.encode(f, i < last, false)));
    } else {
      this.batch.addMessage(frames);
    }
    // A synchronous burst (a loop of sends or signal emissions) is written as it grows, so that
    // it neither fills the high-water mark before the event loop turns nor piles up in memory.
    // While the carrier is blocked, small writes would only pile up in its queue.
    const limit = this.peerWaiting && !this.blocked ? EAGER_FLUSH_MESSAGES : FLUSH_MESSAGES;
    if (this.batch.messages >= limit || this.batch.bytes >= FLUSH_BYTES) this.flush();
    else this.schedule();
  }

  /** A command (sealed when the mechanism seals), written with the next flush. */
  command(body: Uint8Array): void {
    if (this.codec) this.batch.addSealed(this.codec.encode(body, false, true));
    else this.batch.addCommand(body);
  }

  /** Handshake commands: never sealed (they come before the codec exists). */
  handshakeCommand(body: Uint8Array): void {
    this.batch.addCommand(body);
  }

  /** The greeting: octets of its own, before any frame. */
  raw(bytes: Uint8Array): void {
    (this.batch as WriteBatch).addRaw(bytes);
  }

  schedule(): void {
    if (this.flushScheduled || this.blocked) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.peerWaiting = false;
      this.flush();
    });
  }

  flush(): void {
    if (!this.open() || this.batch.isEmpty) return;
    const hadMessages = this.batch.messages > 0;
    if (!this.carrier.write(this.batch.take())) this.blocked = true;
    if (hadMessages && !this.blocked) this.writable();
  }

  drained(): void {
    this.blocked = false;
    this.flush();
    this.writable();
  }
}

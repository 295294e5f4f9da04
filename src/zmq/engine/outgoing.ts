import { setImmediate } from "node:timers";
import type { FrameCodec } from "../mechanism/mechanism.js";
import type { Carrier } from "../transport/carrier.js";
import type { FrameBatch } from "./frame-batch.js";
import { InOrder } from "./in-order.js";

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
/** Octets being sealed on worker threads beyond which the connection takes no more messages. */
const SEALING_LIMIT = 8 * 1024 * 1024;

/** A message or command whose frames are sealed, some perhaps on worker threads. */
type Sealed = { frames: Uint8Array[] } | { command: Uint8Array };

/**
 * What a connection writes: frames gathered into a batch and handed to the carrier in one write
 * at the end of the event-loop turn (or sooner, see the limits above), and the carrier's
 * back-pressure (`blocked` until it drains).
 */
export class Outgoing {
  /** The carrier asked us to wait for a drain. */
  private carrierBlocked = false;
  /** CURVE's MESSAGE boxes, once the handshake is done: frames and commands are sealed. */
  codec: FrameCodec | undefined;
  /** Frames sealed on worker threads, and what comes after them, kept in order. */
  private readonly sealing: InOrder<Sealed>;
  /** Messages in `sealing`. */
  private sealingMessages = 0;
  /** closeGracefully() came while frames were being sealed: end once they are written. */
  private endAfterSealing: (() => void) | undefined;
  private flushScheduled = false;
  /** Data came in this turn: see EAGER_FLUSH_MESSAGES. */
  private peerWaiting = false;

  constructor(
    private readonly carrier: Carrier,
    /** Frames encoded as the connection's wire writes them (a ZMTP stream, ZWS messages). */
    private readonly batch: FrameBatch,
    /** Whether writing still makes sense (the connection is not closed). */
    private readonly open: () => boolean,
    /** Messages left and the carrier took them all: the socket may send more. */
    private readonly writable: () => void,
    /** Sealing on a worker thread failed (it does not, short of a bug): the connection ends. */
    failed: (error: unknown) => void,
  ) {
    this.sealing = new InOrder<Sealed>(
      (sealed) => this.addSealed(sealed),
      (error) => failed(error),
      () => this.sealed(),
    );
  }

  /** Writing waits: for the carrier's drain, or for frames being sealed on worker threads. */
  get blocked(): boolean {
    return this.carrierBlocked || this.sealing.pendingSize > SEALING_LIMIT;
  }

  /** Messages encoded (or being sealed) but not yet handed to the carrier. */
  get messages(): number {
    return this.batch.messages + this.sealingMessages;
  }

  /** The peer sent data this turn. */
  peerSent(): void {
    this.peerWaiting = true;
  }

  message(frames: readonly Uint8Array[]): void {
    const codec = this.codec;
    if (codec) this.sealMessage(codec, frames);
    else this.batch.addMessage(frames);
    // A synchronous burst (a loop of sends or signal emissions) is written as it grows, so that
    // it neither fills the high-water mark before the event loop turns nor piles up in memory.
    // While the carrier is blocked, small writes would only pile up in its queue.
    const limit = this.peerWaiting && !this.carrierBlocked ? EAGER_FLUSH_MESSAGES : FLUSH_MESSAGES;
    if (this.batch.messages >= limit || this.batch.bytes >= FLUSH_BYTES) this.flush();
    else this.schedule();
  }

  /** A command (sealed when the mechanism seals), written with the next flush. */
  command(body: Uint8Array): void {
    const codec = this.codec;
    if (!codec) this.batch.addCommand(body);
    else if (this.sealing.busy) this.sealing.push({ command: codec.encode(body, false, true) }, 0);
    else this.batch.addSealed(codec.encode(body, false, true));
  }

  /**
   * Seals each frame, large ones on worker threads when the codec has them; while any frame is
   * being sealed there, what follows waits in line behind it (nonces must arrive in order).
   */
  private sealMessage(codec: FrameCodec, frames: readonly Uint8Array[]): void {
    const last = frames.length - 1;
    let later = false;
    let size = 0;
    const sealed = frames.map((f, i): Uint8Array | Promise<Uint8Array> => {
      const promise = codec.encodeLater?.(f, i < last, false);
      if (!promise) return codec.encode(f, i < last, false);
      later = true;
      size += f.length;
      return promise;
    });
    if (!later && !this.sealing.busy) {
      this.batch.addSealedMessage(sealed as Uint8Array[]);
      return;
    }
    this.sealingMessages++;
    this.sealing.push(
      later ? settled(sealed).then((all) => ({ frames: all })) : { frames: sealed as Uint8Array[] },
      size,
    );
  }

  private addSealed(sealed: Sealed): void {
    if ("command" in sealed) {
      this.batch.addSealed(sealed.command);
      return;
    }
    this.sealingMessages--;
    this.batch.addSealedMessage(sealed.frames);
  }

  /** Frames came back from the worker threads: out they go, and the socket may send more. */
  private sealed(): void {
    this.flush();
    if (!this.sealing.busy && this.endAfterSealing) {
      const end = this.endAfterSealing;
      this.endAfterSealing = undefined;
      end();
      return;
    }
    if (!this.blocked) this.writable();
  }

  /** Writes what is queued, then `end()` (at once, or once frames being sealed are written). */
  end(end: () => void): void {
    this.flush();
    if (this.sealing.busy) this.endAfterSealing = end;
    else end();
  }

  /** The connection closed: frames still being sealed are dropped. */
  stop(): void {
    this.sealing.stop();
    this.sealingMessages = 0;
  }

  /** Handshake commands: never sealed (they come before the codec exists). */
  handshakeCommand(body: Uint8Array): void {
    this.batch.addCommand(body);
  }

  schedule(): void {
    if (this.flushScheduled || this.carrierBlocked) return;
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
    if (!this.carrier.write(this.batch.take())) this.carrierBlocked = true;
    if (hadMessages && !this.blocked) this.writable();
  }

  drained(): void {
    this.carrierBlocked = false;
    this.flush();
    this.writable();
  }
}

/** The frames of a message, once those sealed on worker threads are. */
function settled(frames: Array<Uint8Array | Promise<Uint8Array>>): Promise<Uint8Array[]> {
  return Promise.all(frames.map((f) => Promise.resolve(f)));
}

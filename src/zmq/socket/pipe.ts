import type { Buffer } from "node:buffer";
import type { Connection } from "../engine/connection.js";
import { Queue } from "../util/queue.js";

export type Message = Uint8Array[];

/** The socket's limits that a pipe reads each time (options may change while it lives). */
export interface PipeLimits {
  /** Messages queued before the pipe is full; 0 = no limit. */
  sendHighWaterMark(): number;
  /** Octets queued before the pipe is full (reading from the peer pauses at half); 0 = no limit. */
  sendHighWaterBytes(): number;
  /** Keep only the newest message waiting (the conflate option); the limits do not apply then. */
  conflate(): boolean;
}

/**
 * The socket's side of one peer: an outgoing queue bounded by the send high-water marks and the
 * engine currently carrying it. A connecting socket keeps its pipe across reconnects, so that
 * messages sent before the peer exists wait for it, as in libzmq.
 *
 * The pipe also decides whether its peer is read: not while the socket holds too many of its
 * messages unreceived, nor while too many octets wait to be written to it (a peer that sends
 * requests and does not read the replies is not read either).
 */
export class Pipe {
  private current: Connection | undefined;
  readonly outQueue: Queue<Message> = new Queue<Message>();
  /** Octets of the messages in outQueue. */
  private queuedBytes = 0;
  /** ROUTER's address for this peer. */
  routingId: Buffer | undefined;
  /** Messages of this peer waiting in the socket's receive queue. */
  inCount = 0;
  /** Per-socket-type state (subscriptions for PUB, request id for REQ, ...). */
  state: unknown;
  /** The receive high-water mark is reached (set by the socket). */
  private receiveFull = false;
  /** Half of sendHighWaterBytes is waiting to be written. */
  private sendBacklog = false;
  private readingPaused = false;
  private draining = false;

  constructor(
    readonly endpoint: string,
    private readonly limits: PipeLimits,
  ) {}

  /** The engine carrying this peer now, if any. */
  get engine(): Connection | undefined {
    return this.current;
  }

  /** A new connection carries the peer (a reconnection: whatever paused the last one is judged anew). */
  attach(engine: Connection): void {
    this.current = engine;
    this.readingPaused = false;
    this.updateReading();
  }

  /** The connection is gone; messages already queued stay for the next one. */
  detach(): void {
    this.current = undefined;
    this.receiveFull = false;
    this.readingPaused = false;
  }

  get connected(): boolean {
    return this.current !== undefined && this.current.state === "ready";
  }

  get peerMinor(): number {
    return this.current?.peer?.minor ?? 1;
  }

  /** Messages accepted but not yet handed to the transport. */
  get pending(): number {
    return this.outQueue.length + (this.current?.batchedMessages ?? 0);
  }

  /** Octets accepted and still queued here (the engine's batch and the carrier bound their own). */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  get full(): boolean {
    const { limits } = this;
    if (limits.conflate()) return false;
    const hwm = limits.sendHighWaterMark();
    if (hwm > 0 && this.pending >= hwm) return true;
    const bytes = limits.sendHighWaterBytes();
    return bytes > 0 && this.queuedBytes >= bytes;
  }

  /** Queues or encodes one message; callers check `full` first where the HWM applies. */
  write(message: Message): void {
    const engine = this.current;
    if (engine && engine.state === "ready" && !engine.blocked && this.outQueue.length === 0) {
      engine.sendMessage(message);
      return;
    }
    if (this.limits.conflate()) {
      this.outQueue.clear();
      this.queuedBytes = 0;
    }
    this.outQueue.push(message);
    this.queuedBytes += sizeOf(message);
    const limit = this.limits.sendHighWaterBytes();
    if (limit > 0 && !this.sendBacklog && this.queuedBytes >= limit / 2) {
      this.sendBacklog = true;
      this.updateReading();
    }
  }

  /**
   * Moves queued messages to the engine while it accepts them. Sending can flush, and a flush
   * asks for a drain again: the running loop goes on instead of recursing once per batch.
   */
  drain(): void {
    const engine = this.current;
    if (engine?.state !== "ready" || this.draining) return;
    this.draining = true;
    try {
      while (this.outQueue.length > 0 && !engine.blocked && engine.state === "ready") {
        const message = this.outQueue.shift()!;
        this.queuedBytes -= sizeOf(message);
        engine.sendMessage(message);
      }
    } finally {
      this.draining = false;
    }
    // Read again once a quarter is left: no pause and resume at every message near the mark.
    const limit = this.limits.sendHighWaterBytes();
    if (this.sendBacklog && (limit <= 0 || this.queuedBytes < limit / 4)) {
      this.sendBacklog = false;
      this.updateReading();
    }
  }

  /** The socket holds receiveHighWaterMark messages of this peer (true), or fewer again (false). */
  setReceiveFull(full: boolean): void {
    if (this.receiveFull === full) return;
    this.receiveFull = full;
    this.updateReading();
  }

  get receiveIsFull(): boolean {
    return this.receiveFull;
  }

  private updateReading(): void {
    const engine = this.current;
    const pause = this.receiveFull || this.sendBacklog;
    if (!engine || pause === this.readingPaused) return;
    this.readingPaused = pause;
    if (pause) engine.pauseReading();
    else engine.resumeReading();
  }
}

function sizeOf(message: Message): number {
  let size = 0;
  for (const frame of message) size += frame.byteLength;
  return size;
}

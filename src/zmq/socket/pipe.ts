import type { Buffer } from "node:buffer";
import { encodeSubscription } from "../codec/subscription.js";
import type { Connection, PeerInfo } from "../engine/connection.js";
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
 * The socket's side of one peer, and its only handle on it: an outgoing queue bounded by the send
 * high-water marks, the commands a socket type sends (subscriptions, groups), the ending of the
 * peer's connection, and the engine currently carrying it, which nothing else touches. A
 * connecting socket keeps its pipe across reconnects, so that messages sent before the peer
 * exists wait for it, as in libzmq.
 *
 * The pipe also decides whether its peer is read: not while the socket holds too many of its
 * messages unreceived (received/consumed), nor while too many octets wait to be written to it (a
 * peer that sends requests and does not read the replies is not read either).
 */
export class Pipe {
  private current: Connection | undefined;
  private readonly outQueue: Queue<Message> = new Queue<Message>();
  /** Octets of the messages in outQueue. */
  private queuedBytes = 0;
  /** ROUTER's address for this peer. */
  routingId: Buffer | undefined;
  /** Messages of this peer waiting in the socket's receive queue. */
  private inCount = 0;
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

  /** A connection carries the peer now (in its handshake or ready). */
  get attached(): boolean {
    return this.current !== undefined;
  }

  /** What the connection carrying the peer learnt of it in the handshake. */
  get peer(): PeerInfo | undefined {
    return this.current?.peer;
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

  /** Messages queued here, not yet handed to an engine. */
  get queued(): number {
    return this.outQueue.length;
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

  // ---- inbound flow control ----

  /** Messages of this peer the socket holds unreceived. */
  get unreceived(): number {
    return this.inCount;
  }

  /**
   * One more message of this peer waits in the socket: at the receive high-water mark `hwm` (0:
   * none), the peer is no longer read. The socket passes its mark: read for every message.
   */
  received(hwm: number): void {
    this.inCount++;
    if (hwm > 0 && this.inCount >= hwm && this.current) this.setReceiveFull(true);
  }

  /** A message of this peer left the socket's queue: below the mark, reading resumes. */
  consumed(hwm: number): void {
    this.inCount--;
    if (this.receiveFull && (hwm <= 0 || this.inCount < hwm)) this.setReceiveFull(false);
  }

  /** The socket dropped every message of this peer it held (conflate keeps the newest only). */
  forgetReceived(): void {
    this.inCount = 0;
    if (this.receiveFull) this.setReceiveFull(false);
  }

  private setReceiveFull(full: boolean): void {
    if (this.receiveFull === full) return;
    this.receiveFull = full;
    this.updateReading();
  }

  // ---- commands to the peer, and its end ----

  /**
   * Asks the peer for a topic or cancels it: SUBSCRIBE/CANCEL commands to a ZMTP 3.1 peer, the
   * 0x01/0x00-prefixed message to a 3.0 one. Only when connected.
   */
  sendSubscription(subscribe: boolean, topic: Uint8Array): void {
    const engine = this.current;
    if (!engine) return;
    if ((engine.peer?.minor ?? 1) >= 1) engine.sendCommand(subscribe ? "SUBSCRIBE" : "CANCEL", topic);
    else engine.sendMessage([encodeSubscription(subscribe, topic)]);
  }

  /** A DISH joins or leaves a group of its RADIO peer (JOIN / LEAVE commands). */
  sendGroup(join: boolean, group: Uint8Array): void {
    this.current?.sendCommand(join ? "JOIN" : "LEAVE", group);
  }

  /** Drops the peer's connection now (a handed-over ROUTER identity). */
  closeConnection(): void {
    this.current?.close();
  }

  /** Closes the peer's connection once what is queued for it has been written. */
  closeAfterQueued(): void {
    this.current?.closeGracefully();
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

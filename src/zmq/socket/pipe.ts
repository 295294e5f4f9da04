import type { Buffer } from "node:buffer";
import type { Connection } from "../engine/connection.js";
import { Queue } from "../util/queue.js";

export type Message = Uint8Array[];

/**
 * The socket's side of one peer: an outgoing queue bounded by the send high-water mark and the
 * engine currently carrying it. A connecting socket keeps its pipe across reconnects, so that
 * messages sent before the peer exists wait for it, as in libzmq.
 */
export class Pipe {
  engine: Connection | undefined;
  readonly outQueue: Queue<Message> = new Queue<Message>();
  /** ROUTER's address for this peer. */
  routingId: Buffer | undefined;
  /** Messages of this peer waiting in the socket's receive queue. */
  inCount = 0;
  /** Reading paused because inCount reached the receive high-water mark. */
  readPaused = false;
  /** Per-socket-type state (subscriptions for PUB, request id for REQ, ...). */
  state: unknown;

  constructor(
    readonly endpoint: string,
    private readonly sendHighWaterMark: () => number,
    /** Keep only the newest message waiting (the conflate option); the HWM does not apply then. */
    private readonly conflate: () => boolean = () => false,
  ) {}

  get connected(): boolean {
    return this.engine !== undefined && this.engine.state === "ready";
  }

  get peerMinor(): number {
    return this.engine?.peer?.minor ?? 1;
  }

  /** Messages accepted but not yet handed to the transport. */
  get pending(): number {
    return this.outQueue.length + (this.engine?.batchedMessages ?? 0);
  }

  get full(): boolean {
    if (this.conflate()) return false;
    const hwm = this.sendHighWaterMark();
    return hwm > 0 && this.pending >= hwm;
  }

  /** Queues or encodes one message; callers check `full` first where the HWM applies. */
  write(message: Message): void {
    const engine = this.engine;
    if (engine && engine.state === "ready" && !engine.blocked && this.outQueue.length === 0) {
      engine.sendMessage(message);
    } else {
      if (this.conflate()) this.outQueue.clear();
      this.outQueue.push(message);
    }
  }

  /**
   * Moves queued messages to the engine while it accepts them. Sending can flush, and a flush
   * asks for a drain again: the running loop goes on instead of recursing once per batch.
   */
  drain(): void {
    const engine = this.engine;
    if (engine?.state !== "ready" || this.draining) return;
    this.draining = true;
    try {
      while (this.outQueue.length > 0 && !engine.blocked && engine.state === "ready") {
        engine.sendMessage(this.outQueue.shift()!);
      }
    } finally {
      this.draining = false;
    }
  }

  private draining = false;
}

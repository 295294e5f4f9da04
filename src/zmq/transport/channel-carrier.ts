import { Buffer } from "node:buffer";
// node:worker_threads' own, not the global: Deno's global one has no unref() and holds the process.
// A web page's build maps it to the global one (src/browser/worker_threads.ts).
import { BroadcastChannel as ThreadChannel } from "node:worker_threads";
import type { Carrier, CarrierHandlers } from "./carrier.js";

/**
 * What travels on a connection's channel, one object per postMessage. Data goes as one fresh
 * Uint8Array per write: a view into a larger buffer would be cloned with all of that buffer.
 */
export type ChannelMessage =
  | { t: "open" }
  | { t: "refuse" }
  | { t: "d"; b: Uint8Array }
  | { t: "a"; n: number }
  | { t: "e" };

/**
 * Octets a writer may have on the channel that its reader has not yet taken: beyond it write()
 * says wait, and the reader's acknowledgements bring drain(). The pipes' high-water marks stay
 * where the sockets are; this only keeps a slow thread from being buried in clones.
 */
const WINDOW = 4 * 1024 * 1024;

/** The part of a BroadcastChannel used here (typed locally: the DOM library is not loaded). */
export interface Channel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Node's and Bun's: without it an open channel keeps the process up. */
  unref?(): void;
}

/** Whether this runtime has BroadcastChannel (Node 18+, Bun, Deno, browsers and their workers). */
export function hasChannels(): boolean {
  return typeof ThreadChannel === "function";
}

/** Opens the channel `name`; it does not keep the process running by itself. */
export function openChannel(name: string, onMessage: (message: unknown) => void): Channel {
  const channel = new ThreadChannel(name) as unknown as Channel;
  channel.onmessage = (event) => onMessage(event.data);
  // After onmessage: assigning it refs the channel again in Node.
  channel.unref?.();
  return channel;
}

/**
 * One inproc connection between two threads, carried by a BroadcastChannel of its own name (the
 * only channel that any thread can open without a port handed over beforehand). Each end writes
 * clones; bytes read are acknowledged so that the writer keeps within WINDOW.
 */
export class ChannelCarrier implements Carrier {
  private handlers: CarrierHandlers | undefined;
  private readonly inbox: Buffer[] = [];
  private paused = false;
  private closed = false;
  private peerEnded = false;
  private inFlight = 0;
  private unacked = 0;
  private ackScheduled = false;
  private waitingDrain = false;

  constructor(
    private readonly channel: Channel,
    readonly remoteAddress: string,
    private readonly onClosed: (carrier: ChannelCarrier) => void,
  ) {
    channel.onmessage = (event) => this.receive(event.data as ChannelMessage);
    channel.unref?.();
  }

  start(handlers: CarrierHandlers): void {
    this.handlers = handlers;
    if (this.closed) queueMicrotask(() => handlers.close());
    else this.deliver();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closed) return true;
    const body = joinChunks(chunks);
    this.post({ t: "d", b: body });
    this.inFlight += body.byteLength;
    if (this.inFlight < WINDOW) return true;
    this.waitingDrain = true;
    return false;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.deliver();
  }

  end(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.post({ t: "e" });
    this.shut();
  }

  private receive(message: ChannelMessage): void {
    if (this.closed) return;
    switch (message.t) {
      case "d":
        this.inbox.push(Buffer.from(message.b.buffer, message.b.byteOffset, message.b.byteLength));
        this.deliver();
        break;
      case "a":
        this.acknowledged(message.n);
        break;
      case "e":
        this.peerEnded = true;
        this.deliver();
        break;
      default:
        break;
    }
  }

  private acknowledged(n: number): void {
    this.inFlight -= n;
    if (this.waitingDrain && this.inFlight < WINDOW) {
      this.waitingDrain = false;
      this.handlers?.drain();
    }
  }

  private deliver(): void {
    const h = this.handlers;
    if (!h) return;
    while (!this.paused && !this.closed && this.inbox.length > 0) {
      const chunk = this.inbox.shift()!;
      this.unacked += chunk.length;
      h.data(chunk);
    }
    if (this.unacked > 0) this.scheduleAck();
    // The peer's last bytes are read before its end is seen, as on a TCP stream.
    if (this.peerEnded && this.inbox.length === 0) this.shut();
  }

  private scheduleAck(): void {
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    queueMicrotask(() => {
      this.ackScheduled = false;
      if (this.closed || this.unacked === 0) return;
      this.post({ t: "a", n: this.unacked });
      this.unacked = 0;
    });
  }

  private post(message: ChannelMessage): void {
    try {
      this.channel.postMessage(message);
    } catch {
      // A channel closed under us (the thread is ending): the close reaches the handlers anyway.
    }
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox.length = 0;
    this.channel.close();
    this.onClosed(this);
    const h = this.handlers;
    if (h) queueMicrotask(() => h.close());
  }
}

/** The chunks as one Uint8Array that owns its whole buffer (what a clone copies is all of it). */
function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const first = chunks[0];
  if (chunks.length === 1 && first && first.byteOffset === 0 && first.byteLength === first.buffer.byteLength) {
    return first;
  }
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

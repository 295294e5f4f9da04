import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Carrier, CarrierHandlers, Listener, Transport } from "./carrier.js";

/**
 * In-process carrier: two ends that hand each other the written chunks, asynchronously so that
 * neither side ever re-enters the other's handlers. Chunks are passed by reference, not copied.
 */
class MemoryCarrier implements Carrier {
  peer!: MemoryCarrier;
  /** The native package shares the memory of frames over 128 octets (its zero-copy threshold). */
  readonly copyLimit = 128;
  private handlers: CarrierHandlers | undefined;
  private inbox: Buffer[] = [];
  private paused = false;
  private scheduled = false;
  private closed = false;

  constructor(readonly remoteAddress: string) {}

  start(h: CarrierHandlers): void {
    this.handlers = h;
    this.schedule();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closed) return true;
    for (const c of chunks) {
      this.peer.inbox.push(Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    }
    this.peer.schedule();
    return true;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  end(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.shut();
    // The peer first reads what was already sent, then sees the close.
    queueMicrotask(() => this.peer.deliverThenClose());
  }

  private deliverThenClose(): void {
    if (this.closed) return;
    this.deliver();
    this.shut();
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    const h = this.handlers;
    if (h) queueMicrotask(() => h.close());
  }

  private schedule(): void {
    if (this.scheduled || !this.handlers) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.deliver();
    });
  }

  private deliver(): void {
    const h = this.handlers;
    if (!h || this.closed) return;
    while (!this.paused && this.inbox.length > 0 && !this.closed) h.data(this.inbox.shift()!);
  }
}

const bound = new Map<string, (carrier: Carrier) => void>();

/** Whether some socket of this process is bound at inproc://address. */
export function isInprocBound(address: string): boolean {
  return bound.has(address);
}

export const inprocTransport: Transport = {
  async listen(address, accept): Promise<Listener> {
    if (bound.has(address)) throw new ZmqError("EADDRINUSE", `inproc://${address} is already bound`);
    bound.set(address, accept);
    return {
      endpoint: `inproc://${address}`,
      close: async () => {
        if (bound.get(address) === accept) bound.delete(address);
      },
    };
  },

  async connect(address): Promise<Carrier> {
    const accept = bound.get(address);
    if (!accept) throw new ZmqError("ECONNRESET", `inproc://${address} is not bound`);
    const a = new MemoryCarrier(`inproc://${address}`);
    const b = new MemoryCarrier(`inproc://${address}`);
    a.peer = b;
    b.peer = a;
    accept(b);
    return a;
  },
};

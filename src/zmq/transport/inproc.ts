import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Carrier, CarrierHandlers, Listener, Transport } from "./carrier.js";
import { type Binding, NameTable } from "./inproc-names.js";
import { threadDirectory } from "./inproc-threads.js";

/** Octets one end may hold unread before its writer is told to wait. */
const INBOX_LIMIT = 256 * 1024;

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
  /** Octets in the inbox, and whether the peer was told to wait for them to be read. */
  private inboxBytes = 0;
  private writerWaiting = false;
  private paused = false;
  private scheduled = false;
  private closed = false;

  constructor(readonly remoteAddress: string) {}

  start(h: CarrierHandlers): void {
    this.handlers = h;
    this.schedule();
  }

  /**
   * Hands the chunks over; false once the peer holds INBOX_LIMIT octets unread (it does not read
   * while its socket's receive queue is full), and a drain follows once it has read them: a
   * sender whose peer does not read then fills its own queue and waits, as over any transport.
   */
  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closed) return true;
    const peer = this.peer;
    for (const c of chunks) {
      peer.inbox.push(Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
      peer.inboxBytes += c.byteLength;
    }
    peer.schedule();
    // One chunk, however large, is never held back (frames are shared, not copied).
    if (peer.inboxBytes < INBOX_LIMIT || peer.inbox.length < 2) return true;
    peer.writerWaiting = true;
    return false;
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
    while (!this.paused && this.inbox.length > 0 && !this.closed) {
      const chunk = this.inbox.shift()!;
      this.inboxBytes -= chunk.byteLength;
      h.data(chunk);
    }
    if (this.writerWaiting && this.inboxBytes < INBOX_LIMIT / 2 && !this.peer.closed) {
      this.writerWaiting = false;
      this.peer.handlers?.drain();
    }
  }
}

/** The process-wide name space (the global context's), shared with other threads. */
const processWide = new NameTable();
/** Each other context's names: its own, in this thread only, as libzmq's contexts keep theirs. */
const scoped = new WeakMap<object, NameTable>();

function namesOf(scope: object | undefined): NameTable {
  if (scope === undefined) return processWide;
  let names = scoped.get(scope);
  if (!names) {
    names = new NameTable();
    scoped.set(scope, names);
  }
  return names;
}

/** The directory of other threads' names: for the process-wide name space only. */
function directoryOf(scope: object | undefined) {
  return scope === undefined ? threadDirectory(processWide) : undefined;
}

/**
 * Whether a socket is bound at inproc://address in the scope's name space: in this thread, or
 * (the process-wide name space) in another. A worker learns the other threads' names in its
 * first moments (inproc-threads.ts): asked then, the answer is a promise.
 */
export function isInprocBound(address: string, scope?: object): boolean | Promise<boolean> {
  const names = namesOf(scope);
  if (names.lookup(address)) return true;
  const directory = directoryOf(scope);
  if (!directory) return false;
  const known = () => names.lookup(address) !== undefined || directory.ownerOf(address) !== undefined;
  return directory.settled()?.then(known) ?? known();
}

function inUse(address: string): ZmqError {
  return new ZmqError("EADDRINUSE", `inproc://${address} is already bound`);
}

/**
 * Within a thread, both ends share memory (MemoryCarrier); another thread's endpoints are found
 * through the thread directory (inproc-threads.ts), as libzmq's process-wide context finds them.
 * A scope (the options' inprocScope: a context other than the global one) has names of its own.
 */
export const inprocTransport: Transport = {
  async listen(address, accept, options): Promise<Listener> {
    const scope = options?.inprocScope;
    const names = namesOf(scope);
    if (names.lookup(address)) throw inUse(address);
    const directory = directoryOf(scope);
    await directory?.settled();
    if (names.lookup(address) || directory?.ownerOf(address)) throw inUse(address);
    const binding: Binding = { at: Date.now(), accept };
    names.bind(address, binding);
    directory?.announce(address, binding.at);
    return {
      endpoint: `inproc://${address}`,
      close: async () => {
        if (names.unbind(address, binding)) directory?.withdraw(address);
      },
    };
  },

  /**
   * As libzmq: connecting before the bind is no failure; the connection is made as soon as the
   * name is bound, in this thread or another (no retries, no reconnection delay).
   */
  async connect(address, options): Promise<Carrier> {
    const scope = options?.inprocScope;
    const names = namesOf(scope);
    for (;;) {
      const binding = names.lookup(address);
      if (binding) return memoryPair(address, binding);
      const directory = directoryOf(scope);
      if (directory?.ownerOf(address)) return directory.connect(address);
      await names.appears(address, options?.signal);
    }
  },
};

function memoryPair(address: string, binding: Binding): Carrier {
  const a = new MemoryCarrier(`inproc://${address}`);
  const b = new MemoryCarrier(`inproc://${address}`);
  a.peer = b;
  b.peer = a;
  binding.accept(b);
  return a;
}

// Joined as the module loads: by a worker's first bind, the names bound elsewhere are known.
threadDirectory(processWide);

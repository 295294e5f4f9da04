import { Buffer } from "node:buffer";
import * as net from "node:net";
import type { Carrier, CarrierHandlers, ConnectOptions } from "./carrier.js";
import { unrefHandle } from "../util/keep-alive.js";
import { unref } from "../util/timers.js";

const SLAB_SIZE = 65536;
/**
 * A connection's first slab: enough for the greeting and a handshake (a CURVE side receives
 * under 1 KiB). A full slab per connection would cost 64 KiB of external memory at every accept
 * and connect (a server that takes a thousand connections a second collected garbage for it)
 * and as much per idle connection. Its own memory, not Buffer's shared pool: frames are views
 * of it, and a view's buffer (structuredClone, `.buffer`) must not reach other connections'
 * octets (a PLAIN password).
 */
const FIRST_SLAB_SIZE = 2048;
/** Less room than this left in the first slab: the next read takes a full one (a read that
 * fills what it is offered costs another system call). */
const FIRST_MIN_READ = 256;
/**
 * Bytes a socket may hold in its own write queue before we stop writing and wait for 'drain'.
 * Node signals back-pressure at 16 KiB, which would make a synchronous burst of small
 * messages (a loop of signal emissions) overrun the high-water mark long before the kernel
 * buffer is full.
 */
const WRITE_QUEUE_LIMIT = 1024 * 1024;
const MIN_SLAB_READ = 16384;

/**
 * Node can read into buffers we choose (`onread`), which lets a large frame body be read
 * straight into its final buffer, saving a copy of every large message. Bun and Deno get the
 * ordinary 'data' events.
 */
export const directReadsSupported =
  typeof process !== "undefined" && !!process.versions?.node && !("Bun" in globalThis) && !("Deno" in globalThis);

/**
 * Chooses where each socket read lands: into the reader's target when it has one, else into
 * the free end of a slab. Slab bytes are never reused, because decoded frames are views of them.
 */
export class ReadBuffers {
  handlers: CarrierHandlers | undefined;
  private slab = Buffer.allocUnsafeSlow(FIRST_SLAB_SIZE);
  private offset = 0;
  private minRead = FIRST_MIN_READ;
  private target: Uint8Array | undefined;

  options(): { buffer: () => Uint8Array; callback: (n: number, buf: Uint8Array) => boolean } {
    return { buffer: () => this.next(), callback: (n, buf) => this.read(n, buf) };
  }

  private next(): Uint8Array {
    this.target = this.handlers?.readTarget?.();
    if (this.target) return this.target;
    if (this.slab.length - this.offset < this.minRead) {
      this.slab = Buffer.allocUnsafe(SLAB_SIZE);
      this.offset = 0;
      this.minRead = MIN_SLAB_READ;
    }
    const size = this.handlers?.readSize?.();
    return size === undefined ? this.slab.subarray(this.offset) : this.slab.subarray(this.offset, this.offset + size);
  }

  private read(n: number, buf: Uint8Array): boolean {
    const h = this.handlers;
    if (!h) return true;
    if (this.target && buf === this.target) {
      this.target = undefined;
      h.targetFilled!(n);
    } else {
      const chunk = this.slab.subarray(this.offset, this.offset + n);
      this.offset += n;
      h.data(chunk);
    }
    return true;
  }
}

/**
 * Re-wraps a socket accepted by a server so that it reads through `reader` (net.Server has no
 * onread option). Uses Node internals, so it checks for them and otherwise returns the socket
 * unchanged, to be read with 'data' events.
 */
export function adoptWithDirectReads(socket: net.Socket, reader: ReadBuffers): net.Socket {
  const internal = socket as unknown as { _handle?: { useUserBuffer?: unknown } | null };
  const handle = internal._handle;
  if (!directReadsSupported || !handle || typeof handle.useUserBuffer !== "function") {
    socket.resume();
    return socket;
  }
  internal._handle = null;
  socket.destroy(); // releases the server's count of the connection, not the handle
  return new net.Socket({ handle, onread: reader.options() } as net.SocketConstructorOpts);
}

/** A Carrier over a node:net socket (TCP or Unix domain), as Node, Deno and Bun provide it. */
export class NetCarrier implements Carrier {
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    readonly remoteAddress: string,
    private readonly reader?: ReadBuffers,
  ) {
    // A connection does not keep the process running: a waiting send or receive does.
    unrefHandle(socket);
  }

  setKeepAlive(enable: boolean, idleMs: number): void {
    this.socket.setKeepAlive(enable, idleMs);
  }

  start(h: CarrierHandlers): void {
    const s = this.socket;
    if (this.reader) this.reader.handlers = h;
    s.on("data", (chunk: Buffer) => h.data(chunk));
    s.on("drain", () => h.drain());
    let error: Error | undefined;
    s.on("error", (e) => {
      error = e;
    });
    s.on("close", () => {
      if (this.closed) return;
      this.closed = true;
      h.close(error);
    });
    s.on("end", () => s.end());
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const s = this.socket;
    if (s.destroyed) return true;
    if (chunks.length === 1) {
      s.write(chunks[0]!);
    } else {
      // cork/uncork turns several writes into one writev system call.
      s.cork();
      for (const c of chunks) s.write(c);
      s.uncork();
    }
    // Past Node's own 16 KiB mark a 'drain' is already due, so returning false is always safe.
    return s.writableLength < WRITE_QUEUE_LIMIT;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Connects a node:net socket (reading directly where supported) and resolves once connected;
 * failures reject with the transport's error, built by `fail`.
 */
export function connectNet(
  options: net.NetConnectOpts,
  remoteAddress: (socket: net.Socket) => string,
  fail: (e: Error) => Error,
  prepare: (socket: net.Socket) => void = () => {},
  settings: ConnectOptions = {},
): Promise<Carrier> {
  return new Promise((resolve, reject) => {
    const reader = directReadsSupported ? new ReadBuffers() : undefined;
    const socket = unrefHandle(net.connect({ ...options, onread: reader?.options() } as net.NetConnectOpts));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onError = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(fail(e));
    };
    if (settings.timeout) {
      timer = unref(
        setTimeout(() => onError(new Error(`no connection within ${settings.timeout} ms`)), settings.timeout),
      );
    }
    socket.once("error", onError);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      prepare(socket);
      const carrier = new NetCarrier(socket, remoteAddress(socket), reader);
      if (settings.keepAlive) carrier.setKeepAlive(settings.keepAlive.enable, settings.keepAlive.idleMs);
      resolve(carrier);
    });
  });
}

/**
 * Listens on a TCP address or a Unix socket path and hands each accepted connection over as a
 * carrier, reading straight into frame buffers where the runtime allows it. Resolves once
 * listening, with the server's address; a bind failure rejects with `bindError(e)`.
 */
export async function listenNet(
  where: net.ListenOptions,
  carrierFor: (socket: net.Socket, reader: ReadBuffers | undefined) => Carrier,
  accept: (carrier: Carrier) => void,
  bindError: (e: unknown) => Error,
  maxConnections = 0,
): Promise<{ address: net.AddressInfo | string | null; close(): Promise<void> }> {
  let open = 0;
  // Counted here rather than by server.maxConnections, which not every runtime implements.
  const counted = (socket: net.Socket) => {
    open++;
    socket.once("close", () => open--);
    return socket;
  };
  const server = net.createServer({ pauseOnConnect: directReadsSupported }, (socket) => {
    if (maxConnections > 0 && open >= maxConnections) {
      socket.destroy();
      return;
    }
    if (!directReadsSupported) return accept(carrierFor(counted(socket), undefined));
    const reader = new ReadBuffers();
    // The socket adopted for direct reads is a new one over the same handle: it is the one counted.
    const adopted = counted(adoptWithDirectReads(socket, reader));
    accept(carrierFor(adopted, adopted === socket ? undefined : reader));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(bindError(e)));
    server.listen(where, () => resolve());
  });
  // Errors after listening concern single connections, which their carriers report.
  server.on("error", () => {});
  // A bound socket does not keep the process running by itself (as with the native package).
  unrefHandle(server);
  return {
    address: server.address(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

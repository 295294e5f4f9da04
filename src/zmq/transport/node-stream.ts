import type { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import type { Carrier, CarrierHandlers } from "./carrier.js";

/** A Carrier over a node:net socket (TCP or Unix domain), as Node, Deno and Bun provide it. */
export class NetCarrier implements Carrier {
  private closed = false;

  constructor(
    private readonly socket: Socket,
    readonly remoteAddress: string,
  ) {}

  start(h: CarrierHandlers): void {
    const s = this.socket;
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
    if (chunks.length === 1) return s.write(chunks[0]!);
    // cork/uncork turns several writes into one writev system call.
    s.cork();
    let ok = true;
    for (const c of chunks) ok = s.write(c);
    s.uncork();
    return ok;
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

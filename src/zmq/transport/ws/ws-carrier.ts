import { Buffer } from "node:buffer";
import type { Carrier, CarrierHandlers } from "../carrier.js";
import { unref } from "../../util/timers.js";

/**
 * The part of a WebSocket we use: the web standard's (browsers, Deno, Bun), which the `ws`
 * package also implements. pause/resume/terminate and a send callback are `ws`'s extras.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  /** Several messages in one write, where the WebSocket can. */
  sendAll?(messages: readonly Uint8Array[], callback?: (error?: Error) => void): void;
  pause?(): void;
  resume?(): void;
  terminate?(): void;
}

/** Octets queued in the WebSocket beyond which writers wait for a drain. */
const WRITE_QUEUE_LIMIT = 1024 * 1024;
/** How often a WebSocket without send callbacks is checked for a drain. */
const DRAIN_POLL_MS = 2;
const OPEN = 1;

/** A ZWS 2.0 connection: each WebSocket message is one ZeroMQ frame (flags octet, then body). */
export class WsCarrier implements Carrier {
  private handlers: CarrierHandlers | undefined;
  private closed = false;
  private waitingForDrain = false;
  private error: Error | undefined;

  constructor(
    private readonly ws: WebSocketLike,
    readonly remoteAddress: string,
    readonly zwsMechanism: string,
  ) {
    // `ws` hands out Buffers with "nodebuffer"; web WebSockets know only "arraybuffer".
    ws.binaryType = typeof ws.terminate === "function" ? "nodebuffer" : "arraybuffer";
    // The peer may speak at once, before the engine starts (in the same read as the upgrade).
    ws.onmessage = (event) => this.early.push(event.data);
  }

  private early: unknown[] = [];

  start(h: CarrierHandlers): void {
    this.handlers = h;
    this.ws.onmessage = (event) => this.onMessage(event.data);
    // Handed over once the reader has finished starting (it may send before it reads).
    if (this.early.length) {
      queueMicrotask(() => {
        for (const data of this.early.splice(0)) this.onMessage(data);
      });
    }
    this.ws.onerror = (event) => {
      this.error ??= new Error(describe(event));
    };
    this.ws.onclose = (event) => {
      if (event.code !== 1000 && event.code !== 1005) {
        this.error ??= new Error(`WebSocket closed with code ${event.code}${event.reason ? `: ${event.reason}` : ""}`);
      }
      this.finish();
    };
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closed || this.ws.readyState !== OPEN || chunks.length === 0) return true;
    let size = this.ws.bufferedAmount;
    for (const c of chunks) size += c.length;
    const blocked = size >= WRITE_QUEUE_LIMIT;
    const hasCallbacks = typeof this.ws.terminate === "function";
    const onWritten = blocked && hasCallbacks ? () => this.drained() : undefined;
    if (this.ws.sendAll) {
      this.ws.sendAll(chunks, onWritten);
    } else {
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) this.ws.send(chunks[i]!);
      this.ws.send(chunks[last]!, onWritten);
    }
    if (!blocked) return true;
    this.waitingForDrain = true;
    if (!hasCallbacks) this.pollDrain();
    return false;
  }

  pause(): void {
    this.ws.pause?.();
  }

  resume(): void {
    this.ws.resume?.();
  }

  end(): void {
    if (this.closed) return;
    this.ws.close(1000);
  }

  destroy(error?: Error): void {
    if (this.closed) return;
    if (error) {
      // The peer hears why (RFC 6455, 7.4.1): 1009 for a message over the limit, else 1002.
      const tooBig = (error as { code?: string }).code === "EMSGSIZE";
      this.closeWith(tooBig ? 1009 : 1002, error.message);
      return;
    }
    // As a TCP socket's destroy(): the close is reported later, when the WebSocket says so.
    if (this.ws.terminate) this.ws.terminate();
    else this.ws.close(1000);
  }

  private onMessage(data: unknown): void {
    if (this.closed) return;
    const h = this.handlers!;
    if (data instanceof Uint8Array)
      h.data(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length));
    else if (data instanceof ArrayBuffer) h.data(Buffer.from(data));
    else {
      // RFC 45: ZWS messages are binary; text (or anything else) is a protocol violation, and
      // 1003 is the close code for a kind of data the endpoint cannot accept.
      this.error = new Error("ZWS peer sent a text message");
      this.closeWith(1003, "ZWS messages are binary");
      this.finish();
    }
  }

  /** A close frame with its code; a browser's WebSocket lets a page send 1000 and 3000-4999 only. */
  private closeWith(code: number, reason: string): void {
    if (this.ws.terminate) this.ws.close(code, reason.slice(0, 120));
    else this.ws.close(1000);
  }

  private drained(): void {
    if (!this.waitingForDrain || this.closed) return;
    this.waitingForDrain = false;
    this.handlers?.drain();
  }

  private pollDrain(): void {
    const check = () => {
      if (this.closed || !this.waitingForDrain) return;
      if (this.ws.bufferedAmount < WRITE_QUEUE_LIMIT / 2) this.drained();
      else unref(setTimeout(check, DRAIN_POLL_MS));
    };
    unref(setTimeout(check, DRAIN_POLL_MS));
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers?.close(this.error);
  }
}

function describe(event: unknown): string {
  const e = event as { message?: string; error?: Error };
  return e.error?.message ?? e.message ?? "WebSocket error";
}

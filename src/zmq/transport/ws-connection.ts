import { Buffer } from "node:buffer";
import type * as net from "node:net";
import type { WebSocketLike } from "./ws-carrier.js";
import {
  encodeClientFrameParts,
  encodeServerHeader,
  FrameReader,
  OPCODE,
  WebSocketProtocolError,
} from "./ws-frames.js";

/**
 * An open WebSocket (RFC 6455) over a node:net or node:tls socket, either end: a client masks
 * what it sends, a server sends payloads as they are (no copy). It has the web standard's
 * handlers, and the extras of the `ws` package that the carrier uses.
 */
export class WebSocketConnection implements WebSocketLike {
  binaryType = "nodebuffer";
  readyState = 1;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private messageHandler: ((event: { data: unknown }) => void) | null = null;
  private unread: Buffer | undefined;
  private readonly reader: FrameReader;
  private closeSent = false;
  private closeCode = 1006;
  private closeReason = "";

  constructor(
    private readonly socket: net.Socket,
    readonly protocol: string,
    /** Octets read past the HTTP head: the first frames, when the peer was quick. */
    rest: Buffer,
    maxPayload: number,
    private readonly isClient: boolean,
  ) {
    this.reader = new FrameReader(
      {
        message: (payload, text) => this.messageHandler?.({ data: text ? payload.toString("utf8") : payload }),
        ping: (payload) => this.sendFrame(OPCODE.pong, payload),
        close: (code, reason) => {
          this.closeCode = code;
          this.closeReason = reason;
          this.close(code === 1005 ? 1000 : code);
        },
      },
      maxPayload,
      !isClient,
    );
    socket.on("data", (chunk: Buffer) => this.read(chunk));
    socket.on("error", (error) => this.onerror?.({ error }));
    socket.on("close", () => {
      this.readyState = 3;
      this.onclose?.({ code: this.closeCode, reason: this.closeReason });
    });
    socket.on("end", () => socket.end());
    socket.pause();
    this.unread = rest;
  }

  get onmessage(): ((event: { data: unknown }) => void) | null {
    return this.messageHandler;
  }

  /** Reading starts when a handler is installed: what came with the upgrade is handed over first. */
  set onmessage(handler: ((event: { data: unknown }) => void) | null) {
    this.messageHandler = handler;
    const rest = this.unread;
    if (!handler || !rest) return;
    this.unread = undefined;
    if (rest.length) this.read(rest);
    this.socket.resume();
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  send(data: Uint8Array, callback?: (error?: Error) => void): void {
    this.sendAll([data], callback);
  }

  /** Several binary messages in one write (one system call for a batch of small frames). */
  sendAll(messages: readonly Uint8Array[], callback?: (error?: Error) => void): void {
    if (this.readyState !== 1 || messages.length === 0) return;
    const s = this.socket;
    s.cork();
    const last = messages.length - 1;
    for (let i = 0; i < last; i++) this.writeFrame(OPCODE.binary, messages[i]!);
    this.writeFrame(OPCODE.binary, messages[last]!, callback);
    s.uncork();
  }

  close(code = 1000, reason = ""): void {
    if (this.closeSent || this.socket.destroyed) return;
    this.closeSent = true;
    this.readyState = 2;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.sendFrame(OPCODE.close, payload);
    this.socket.end();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  terminate(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    try {
      this.reader.push(chunk);
    } catch (e) {
      this.onerror?.({ error: e });
      if (e instanceof WebSocketProtocolError) this.close(e.closeCode, e.message.slice(0, 100));
      this.closeCode = e instanceof WebSocketProtocolError ? e.closeCode : 1002;
      this.socket.destroy();
    }
  }

  private sendFrame(opcode: number, payload: Uint8Array): void {
    if (this.socket.destroyed) return;
    this.writeFrame(opcode, payload);
  }

  private writeFrame(opcode: number, payload: Uint8Array, callback?: (error?: Error) => void): void {
    const done = callback && ((e?: Error | null) => callback(e ?? undefined));
    if (this.isClient) {
      const parts = encodeClientFrameParts(opcode, payload);
      for (let i = 0; i < parts.length - 1; i++) this.socket.write(parts[i]!);
      this.socket.write(parts[parts.length - 1]!, done);
    } else {
      this.socket.write(encodeServerHeader(opcode, payload.length));
      this.socket.write(payload, done);
    }
  }
}

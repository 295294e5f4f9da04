import { Buffer } from "node:buffer";
import type * as net from "node:net";
import type { WebSocketLike } from "./ws-carrier.js";
import { unrefHandle } from "../../util/keep-alive.js";
import {
  encodeClientFrameParts,
  encodeServerHeader,
  FrameReader,
  OPCODE,
  WebSocketProtocolError,
} from "./ws-frames.js";

/** Octets of our own writes queued beyond which a ping's pong waits (and only the latest is kept). */
const CONTROL_QUEUE_LIMIT = 64 * 1024;
/** After we sent a close frame, ms the peer has to close the connection before we drop it. */
const CLOSE_TIMEOUT_MS = 3000;

export interface WebSocketConnectionOptions {
  /** Largest message accepted, fragments counted together; 0 = no limit. */
  maxPayload: number;
  /** The client's end masks what it sends; the server's does not. */
  isClient: boolean;
  /** ms the peer may take to finish a message it has begun (a partial frame or fragments); 0 = no limit. */
  messageTimeout?: number;
}

/**
 * An open WebSocket (RFC 6455) over a node:net or node:tls socket, either end: a client masks
 * what it sends, a server sends payloads as they are (no copy). It has the web standard's
 * handlers, and the extras of the `ws` package that the carrier uses. What a peer can make it
 * hold is bounded: pongs are not queued behind a peer that does not read (one answers the latest
 * ping), messages have a size limit, and, with a message timeout, a message begun must end.
 */
export class WebSocketConnection implements WebSocketLike {
  binaryType = "nodebuffer";
  readyState = 1;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private messageHandler: ((event: { data: unknown }) => void) | null = null;
  private unread: Buffer | undefined;
  private readonly reader: FrameReader;
  private readonly isClient: boolean;
  private closeSent = false;
  private closeCode = 1006;
  private closeReason = "";
  /** The payload of the latest ping not answered yet, while our writes are backed up. */
  private pendingPong: Buffer | undefined;
  private readonly messageTimeout: number;
  /** When the message being read was begun (0: none is), and the timer that watches it. */
  private incompleteSince = 0;
  private incompleteTimer: ReturnType<typeof setTimeout> | undefined;
  /** Paused by the reader of messages (back-pressure): an unfinished message then waits on us. */
  private paused = false;

  constructor(
    private readonly socket: net.Socket,
    readonly protocol: string,
    /** Octets read past the HTTP head: the first frames, when the peer was quick. */
    rest: Buffer,
    options: WebSocketConnectionOptions,
  ) {
    this.isClient = options.isClient;
    this.messageTimeout = options.messageTimeout ?? 0;
    this.reader = new FrameReader(
      {
        message: (payload, text) => this.messageHandler?.({ data: text ? payload.toString("utf8") : payload }),
        ping: (payload) => this.answerPing(payload),
        close: (code, reason) => {
          this.closeCode = code;
          this.closeReason = reason;
          this.close(code === 1005 ? 1000 : code);
        },
      },
      options.maxPayload,
      !options.isClient,
    );
    socket.on("data", (chunk: Buffer) => this.read(chunk));
    socket.on("error", (error) => this.onerror?.({ error }));
    socket.on("close", () => {
      this.readyState = 3;
      clearTimeout(this.incompleteTimer);
      this.onclose?.({ code: this.closeCode, reason: this.closeReason });
    });
    socket.on("end", () => socket.end());
    socket.pause();
    unrefHandle(socket); // a waiting send or receive keeps the process running, not a connection
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
    if (!this.paused && !this.closeSent) this.socket.resume();
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

  /**
   * Sends a close frame and ends our side; the peer answers in kind and closes. One that does not
   * is dropped after CLOSE_TIMEOUT_MS. Nothing more is read meanwhile.
   */
  close(code = 1000, reason = ""): void {
    if (this.closeSent || this.socket.destroyed) return;
    this.closeSent = true;
    this.readyState = 2;
    clearTimeout(this.incompleteTimer);
    // A control frame carries at most 125 octets: the code, then up to 123 of whole characters.
    let short = reason;
    while (Buffer.byteLength(short) > 123) short = short.slice(0, -1);
    const text = Buffer.from(short, "utf8");
    const payload = Buffer.alloc(2 + text.length);
    payload.writeUInt16BE(code, 0);
    text.copy(payload, 2);
    this.sendFrame(OPCODE.close, payload);
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS);
    timer.unref?.();
    this.socket.once("close", () => clearTimeout(timer));
  }

  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.closeSent) return;
    this.socket.resume();
    // The peer could not finish a message while we did not read: its time starts again.
    if (this.incompleteSince !== 0) this.incompleteSince = Date.now();
  }

  terminate(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    // After our close frame, only the peer's close matters (RFC 6455, 5.5.1): the rest is dropped.
    if (this.closeSent) return;
    try {
      this.reader.push(chunk);
    } catch (e) {
      this.closeCode = e instanceof WebSocketProtocolError ? e.closeCode : 1002;
      this.onerror?.({ error: e });
      this.close(this.closeCode, (e as Error).message);
      return;
    }
    if (this.messageTimeout > 0) this.watchIncomplete();
  }

  /** Starts or stops the clock of an unfinished message after each read. */
  private watchIncomplete(): void {
    if (!this.reader.incomplete) {
      this.incompleteSince = 0;
      return;
    }
    if (this.incompleteSince === 0) this.incompleteSince = Date.now();
    if (this.incompleteTimer === undefined) this.armIncompleteTimer(this.messageTimeout);
  }

  private armIncompleteTimer(ms: number): void {
    this.incompleteTimer = setTimeout(() => {
      this.incompleteTimer = undefined;
      if (this.incompleteSince === 0 || this.closeSent) return;
      if (this.paused) {
        this.armIncompleteTimer(this.messageTimeout);
        return;
      }
      const left = this.incompleteSince + this.messageTimeout - Date.now();
      if (left > 0) {
        this.armIncompleteTimer(left);
        return;
      }
      const error = new WebSocketProtocolError(`no message completed within ${this.messageTimeout} ms`, 1008);
      this.closeCode = error.closeCode;
      this.onerror?.({ error });
      this.close(error.closeCode, error.message);
    }, ms);
    this.incompleteTimer.unref?.();
  }

  /**
   * A pong right away while our writes flow; behind a peer that does not read, only the latest
   * ping is kept, and answered once the writes drain (RFC 6455 allows answering the latest only).
   */
  private answerPing(payload: Buffer): void {
    if (this.socket.writableLength < CONTROL_QUEUE_LIMIT) {
      this.sendFrame(OPCODE.pong, payload);
      return;
    }
    const waiting = this.pendingPong !== undefined;
    this.pendingPong = Buffer.from(payload);
    if (waiting) return;
    this.socket.once("drain", () => {
      const pong = this.pendingPong;
      this.pendingPong = undefined;
      if (pong && !this.closeSent) this.sendFrame(OPCODE.pong, pong);
    });
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

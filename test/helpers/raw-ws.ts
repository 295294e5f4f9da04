import { randomBytes } from "node:crypto";
import * as net from "node:net";

/**
 * A bare WebSocket client for tests: it offers any Sec-WebSocket-Protocol (libzmq's
 * "ZWS2.0/NULL", which `ws` and browsers refuse to send) and sends any message, text included.
 */
export class RawWs {
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Opens the connection and sends the upgrade; resolves with the status and headers. */
  static async open(
    url: string,
    protocols: string,
    /** More request headers (Origin, Authorization), or a Host of the test's choosing. */
    extra: Record<string, string> = {},
  ): Promise<{ ws: RawWs; status: number; headers: Record<string, string>; body: string }> {
    const { hostname, port, pathname, search } = new URL(url);
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port) });
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const ws = new RawWs(socket);
    const headers = { Host: `${hostname}:${port}`, ...extra };
    socket.write(
      `GET ${pathname}${search} HTTP/1.1\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("")}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Protocol: ${protocols}\r\n\r\n`,
    );
    const head = await ws.until(() => {
      const end = ws.buffered.indexOf("\r\n\r\n");
      if (end < 0) return undefined;
      const text = ws.buffered.subarray(0, end).toString("latin1");
      ws.buffered = ws.buffered.subarray(end + 4);
      return text;
    });
    const [statusLine, ...lines] = head.split("\r\n");
    const responseHeaders: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(":");
      responseHeaders[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const status = Number(statusLine!.split(" ")[1]);
    let body = "";
    if (status !== 101) {
      const length = Number(responseHeaders["content-length"] ?? 0);
      body = await ws.until(() =>
        ws.buffered.length >= length ? ws.buffered.subarray(0, length).toString() : undefined,
      );
    }
    return { ws, status, headers: responseHeaders, body };
  }

  /** One masked message: binary (opcode 2) unless told otherwise. */
  send(payload: Uint8Array, opcode = 2): void {
    this.socket.write(RawWs.frame(payload, opcode));
  }

  /**
   * One masked frame as a client writes it; `fin` false for a fragment, `announced` to claim a
   * payload longer than the one that follows (a frame that never ends).
   */
  static frame(payload: Uint8Array, opcode = 2, fin = true, announced = payload.length): Buffer {
    const mask = randomBytes(4);
    const n = announced;
    const head = Buffer.alloc(n < 126 ? 2 : n <= 0xffff ? 4 : 10);
    head[0] = (fin ? 0x80 : 0) | opcode;
    if (n < 126) head[1] = 0x80 | n;
    else if (n <= 0xffff) {
      head[1] = 0x80 | 126;
      head.writeUInt16BE(n, 2);
    } else {
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
    return Buffer.concat([head, mask, body]);
  }

  /** The next frame of any kind (control frames included); undefined once the connection closed. */
  async nextFrame(): Promise<{ opcode: number; payload: Buffer } | undefined> {
    const frame = await this.until(() => this.takeFrame() ?? (this.closed ? null : undefined));
    return frame ?? undefined;
  }

  /** The code of the close frame the server sends (skipping other frames); undefined if none came. */
  async closeCode(): Promise<number | undefined> {
    for (;;) {
      const frame = await this.nextFrame();
      if (!frame) return undefined;
      if (frame.opcode === 8) return frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
    }
  }

  /** Resolves once the server has closed the TCP connection. */
  async ended(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => this.socket.once("close", () => resolve()));
  }

  /** The next binary message's payload; undefined once the connection closed. */
  async receive(): Promise<Buffer | undefined> {
    for (;;) {
      const message = await this.until(() => this.takeFrame() ?? (this.closed ? null : undefined));
      if (message === null) return undefined;
      if (message.opcode === 2) return message.payload;
      if (message.opcode === 8) return undefined;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private takeFrame(): { opcode: number; payload: Buffer } | undefined {
    const b = this.buffered;
    if (b.length < 2) return undefined;
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    if (b.length < offset + length) return undefined;
    this.buffered = b.subarray(offset + length);
    return { opcode: b[0]! & 0x0f, payload: b.subarray(offset, offset + length) };
  }

  private async until<T>(take: () => T | undefined): Promise<T> {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (this.closed) throw new Error("connection closed");
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

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

  private constructor(private readonly socket: net.Socket) {
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
  ): Promise<{ ws: RawWs; status: number; headers: Record<string, string> }> {
    const { hostname, port, pathname } = new URL(url);
    const socket = net.connect({ host: hostname, port: Number(port) });
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const ws = new RawWs(socket);
    socket.write(
      `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
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
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(":");
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    return { ws, status: Number(statusLine!.split(" ")[1]), headers };
  }

  /** One masked message: binary (opcode 2) unless told otherwise. */
  send(payload: Uint8Array, opcode = 2): void {
    const mask = randomBytes(4);
    const n = payload.length;
    const head = n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n]) : Buffer.alloc(4);
    if (n >= 126) {
      if (n > 0xffff) throw new Error("RawWs sends up to 64 KiB");
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 126;
      head.writeUInt16BE(n, 2);
    }
    const body = Buffer.from(payload);
    for (let i = 0; i < n; i++) body[i]! ^= mask[i % 4]!;
    this.socket.write(Buffer.concat([head, mask, body]));
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

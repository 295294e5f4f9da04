import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import type { WebSocketLike } from "./ws-carrier.js";
import { encodeClientFrame, OPCODE, ServerFrameReader } from "./ws-frames.js";

/**
 * A WebSocket client (RFC 6455) over node:net or node:tls, for Node, Bun and Deno. Ours rather
 * than the `ws` package's because ZWS names its mechanisms "ZWS2.0/PLAIN" and the like, which
 * are not HTTP tokens: `ws` (like browsers) refuses to offer them.
 */
export interface WebSocketClientOptions {
  protocols: readonly string[];
  /** ms for the TCP connection and the HTTP upgrade together; 0 for no limit. */
  timeout?: number;
  /** Largest message accepted; 0 for no limit. */
  maxPayload?: number;
  /** For wss://: the TLS options (ca, servername, rejectUnauthorized...). */
  tls?: tls.ConnectionOptions;
}

const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_RESPONSE_HEAD = 16384;

export class HandshakeError extends Error {}

/** Resolves once the upgrade is accepted, with the socket and the protocol the server chose. */
export async function openWebSocket(
  secure: boolean,
  host: string,
  port: number,
  path: string,
  options: WebSocketClientOptions,
): Promise<ClientWebSocket> {
  const socket = secure
    ? tls.connect({
        host,
        port,
        servername: net.isIP(host) ? undefined : host,
        ALPNProtocols: ["http/1.1"],
        ...options.tls,
      })
    : net.connect({ host, port });
  socket.setNoDelay(true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const waits = [upgradeOver(socket, host, port, path, options.protocols)];
    if (options.timeout) {
      waits.push(
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new HandshakeError(`no WebSocket within ${options.timeout} ms`)),
            options.timeout,
          );
        }),
      );
    }
    const { protocol, rest } = await Promise.race(waits);
    return new ClientWebSocket(socket, protocol, rest, options.maxPayload ?? 0);
  } catch (e) {
    socket.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function upgradeOver(
  socket: net.Socket,
  host: string,
  port: number,
  path: string,
  protocols: readonly string[],
): Promise<{ protocol: string; rest: Buffer }> {
  const key = randomBytes(16).toString("base64");
  const hostHeader = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > MAX_RESPONSE_HEAD) finish(new HandshakeError("HTTP response head too long"));
        return;
      }
      try {
        const protocol = checkResponse(head.subarray(0, end).toString("latin1"), key, protocols);
        finish(undefined, { protocol, rest: head.subarray(end + 4) });
      } catch (e) {
        finish(e as Error);
      }
    };
    const onError = (e: Error) => finish(e);
    const onClose = () => finish(new HandshakeError("connection closed during the WebSocket upgrade"));
    const finish = (error?: Error, result?: { protocol: string; rest: Buffer }) => {
      socket.off("data", onData).off("error", onError).off("close", onClose);
      if (error) reject(error);
      else {
        socket.pause();
        resolve(result!);
      }
    };
    socket.on("data", onData).on("error", onError).on("close", onClose);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        (protocols.length ? `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n` : "") +
        "\r\n",
    );
  });
}

/** The protocol the server chose; throws when the response is not a valid upgrade. */
function checkResponse(head: string, key: string, protocols: readonly string[]): string {
  const [statusLine, ...lines] = head.split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? "")?.[1]);
  if (status !== 101) throw new HandshakeError(`HTTP ${status || "?"} instead of a WebSocket (${statusLine})`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const accept = createHash("sha1")
    .update(key + ACCEPT_GUID)
    .digest("base64");
  if (headers.get("sec-websocket-accept") !== accept) throw new HandshakeError("wrong Sec-WebSocket-Accept");
  const protocol = headers.get("sec-websocket-protocol") ?? "";
  if (protocols.length && !protocols.includes(protocol)) {
    throw new HandshakeError(`server chose protocol "${protocol}", not one of ${protocols.join(", ")}`);
  }
  return protocol;
}

/** An open client WebSocket, with the web standard's handlers and `ws`'s extras. */
export class ClientWebSocket implements WebSocketLike {
  binaryType = "nodebuffer";
  readyState = 1;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private messageHandler: ((event: { data: unknown }) => void) | null = null;
  private unread: Buffer | undefined;
  private closeSent = false;
  private closeCode = 1006;
  private closeReason = "";

  constructor(
    private readonly socket: net.Socket,
    readonly protocol: string,
    rest: Buffer,
    maxPayload: number,
  ) {
    const reader = new ServerFrameReader(
      {
        message: (payload, text) => this.onmessage?.({ data: text ? payload.toString("utf8") : payload }),
        ping: (payload) => this.socket.write(encodeClientFrame(OPCODE.pong, payload)),
        close: (code, reason) => {
          this.closeCode = code;
          this.closeReason = reason;
          this.close(code === 1005 ? 1000 : code);
        },
      },
      maxPayload,
    );
    const read = (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (e) {
        this.onerror?.({ error: e });
        this.closeCode = 1002;
        this.socket.destroy();
      }
    };
    socket.on("data", read);
    socket.on("error", (error) => this.onerror?.({ error }));
    socket.on("close", () => {
      this.readyState = 3;
      this.onclose?.({ code: this.closeCode, reason: this.closeReason });
    });
    socket.on("end", () => socket.end());
    this.read = read;
    this.unread = rest;
  }

  private readonly read: (chunk: Buffer) => void;

  get onmessage(): ((event: { data: unknown }) => void) | null {
    return this.messageHandler;
  }

  /**
   * Reading starts when a message handler is installed: what the server sent in the same read
   * as its upgrade reply is then handed over first.
   */
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
    if (this.readyState !== 1) return;
    this.socket.write(encodeClientFrame(OPCODE.binary, data), callback && ((e) => callback(e ?? undefined)));
  }

  close(code = 1000, reason = ""): void {
    if (this.closeSent || this.socket.destroyed) return;
    this.closeSent = true;
    this.readyState = 2;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.socket.end(encodeClientFrame(OPCODE.close, payload));
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
}

import type { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import { WebSocketConnection } from "./ws-connection.js";
import { acceptKey, HeadReader, parseHead } from "./ws-handshake.js";
import { unrefHandle } from "../../util/keep-alive.js";
import { unref } from "../../util/timers.js";

/**
 * The client's side of the WebSocket opening handshake (RFC 6455, section 4.1) over node:net or
 * node:tls, for Node, Bun and Deno. Ours rather than a package's because ZWS names mechanisms
 * "ZWS2.0/PLAIN" and the like, which are not HTTP tokens: `ws` (like browsers) refuses to offer them.
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

export class HandshakeError extends Error {}

/** Resolves once the upgrade is accepted, with the socket and the protocol the server chose. */
export async function openWebSocket(
  secure: boolean,
  host: string,
  port: number,
  path: string,
  options: WebSocketClientOptions,
): Promise<WebSocketConnection> {
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
  unrefHandle(socket);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const waits = [upgradeOver(socket, host, port, path, options.protocols)];
    if (options.timeout) {
      waits.push(
        new Promise<never>((_, reject) => {
          timer = unref(
            setTimeout(() => reject(new HandshakeError(`no WebSocket within ${options.timeout} ms`)), options.timeout),
          );
        }),
      );
    }
    const { protocol, rest } = await Promise.race(waits);
    return new WebSocketConnection(socket, protocol, rest, { maxPayload: options.maxPayload ?? 0, isClient: true });
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
  return new Promise((resolve, reject) => {
    const reader = new HeadReader();
    const onData = (chunk: Buffer) => {
      const head = reader.push(chunk);
      if (head === undefined) return;
      if (head === "too large") {
        finish(new HandshakeError("HTTP response head too long"));
        return;
      }
      try {
        const protocol = checkResponse(head.head, key, protocols);
        finish(undefined, { protocol, rest: head.rest });
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
    socket.write(upgradeRequest(host, port, path, key, protocols));
  });
}

/** The HTTP upgrade request a client sends (exported for the fuzz target ws-upgrade). */
export function upgradeRequest(
  host: string,
  port: number,
  path: string,
  key: string,
  protocols: readonly string[],
): string {
  const hostHeader = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
    (protocols.length ? `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n` : "") +
    "\r\n"
  );
}

/**
 * The protocol the server chose; throws when the response is not a valid upgrade (exported for
 * the fuzz target ws-upgrade).
 */
export function checkResponse(head: string, key: string, protocols: readonly string[]): string {
  const { firstLine: statusLine, headers } = parseHead(head);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  if (status !== 101) throw new HandshakeError(`HTTP ${status || "?"} instead of a WebSocket (${statusLine})`);
  const accept = acceptKey(key);
  if (headers.get("sec-websocket-accept") !== accept) throw new HandshakeError("wrong Sec-WebSocket-Accept");
  const protocol = headers.get("sec-websocket-protocol") ?? "";
  if (protocols.length && !protocols.includes(protocol)) {
    throw new HandshakeError(`server chose protocol "${protocol}", not one of ${protocols.join(", ")}`);
  }
  return protocol;
}

import { Buffer } from "node:buffer";
import * as net from "node:net";
import * as tls from "node:tls";
import { processWarningLogger } from "../../../util/logger.js";
import { formatWsEndpoint } from "../endpoint.js";
import { checkAccess, type WsAccess } from "./ws-access.js";
import { WebSocketConnection } from "./ws-connection.js";
import { acceptKey, HeadReader, parseHead } from "./ws-handshake.js";
import { chooseProtocol } from "./zws.js";
import { unrefHandle } from "../../util/keep-alive.js";
import { unref } from "../../util/timers.js";

/** What a bound socket offers at one path of a WebSocket port. */
export interface WsRoute {
  /** The socket's security mechanism: picks the ZWS protocol among the client's offers. */
  mechanism: string;
  /** Largest message accepted (the socket's maxMessageSize, plus the flags octet); 0 = no limit. */
  maxPayload: number;
  /** Which pages, hosts and tokens may open a WebSocket here. */
  access: WsAccess;
  /** ms a peer may take to finish a message it has begun; 0 = no limit. */
  messageTimeout: number;
  /** Connections open on this route at once; past it, 503. 0 = no limit (the port's caps apply). */
  maxConnections: number;
  accept(connection: WebSocketConnection, protocol: string, remoteAddress: string): void;
}

/** A client that has not finished its HTTP upgrade by then is dropped. */
const UPGRADE_TIMEOUT_MS = 10_000;
/** Connections on one port at once, and of them still in their HTTP upgrade: past it, 503. */
export const MAX_CONNECTIONS = 4096;
export const MAX_UPGRADING = 256;
/** A refused peer has this long to read the answer and close. */
const REFUSED_GRACE_MS = 2000;
/** Distinct refusals logged per port; past it they are still refused, silently. */
const MAX_REFUSALS_LOGGED = 100;

/**
 * The server's side of the WebSocket opening handshake (RFC 6455, section 4.2) on node:net or
 * node:tls, so that it runs alike on Node, Bun and Deno; each path of the port is a route.
 * Anything that is not a valid upgrade to a route gets an HTTP error and is closed.
 */
export class WebSocketListener {
  readonly routes = new Map<string, WsRoute>();
  private connections = 0;
  private upgrading = 0;
  /** Connections open per route, for routes with maxConnections. */
  private readonly perRoute = new Map<WsRoute, number>();
  /** The refusals already logged: each is logged once, so that a flood fills no log. */
  private readonly refusalsLogged = new Set<string>();

  private constructor(readonly server: net.Server) {}

  static async listen(
    host: string | undefined,
    port: number,
    credentials: { cert: string; key: string } | undefined,
  ): Promise<WebSocketListener> {
    const server = credentials ? tls.createServer(credentials) : net.createServer();
    const listener = new WebSocketListener(server);
    server.on(credentials ? "secureConnection" : "connection", (socket: net.Socket) => listener.upgrade(socket));
    // A TLS handshake that fails concerns that client alone.
    server.on("tlsClientError", (_e: Error, socket: net.Socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", () => {});
    // A bound socket does not keep the process running by itself (as with the native package).
    unrefHandle(server);
    return listener;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get address(): string {
    return (this.server.address() as net.AddressInfo).address;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(socket: net.Socket): void {
    socket.setNoDelay(true);
    unrefHandle(socket);
    socket.on("error", () => socket.destroy());
    if (this.upgrading >= MAX_UPGRADING || this.connections >= MAX_CONNECTIONS) {
      refuseWith(socket, httpError(503, "Service Unavailable", "too many connections\n"));
      return;
    }
    this.upgrading++;
    this.connections++;
    const reader = new HeadReader();
    let upgrading = true;
    const timer = unref(setTimeout(() => socket.destroy(), UPGRADE_TIMEOUT_MS));
    const onData = (chunk: Buffer) => {
      const head = reader.push(chunk);
      if (head === undefined) return;
      done();
      if (head === "too large") refuseWith(socket, httpError(431, "Request Header Fields Too Large"));
      else this.answer(socket, head.head, head.rest);
    };
    const done = () => {
      clearTimeout(timer);
      socket.off("data", onData);
      if (upgrading) this.upgrading--;
      upgrading = false;
    };
    socket.on("data", onData);
    socket.once("close", () => {
      done();
      this.connections--;
    });
  }

  private answer(socket: net.Socket, head: string, rest: Buffer): void {
    const { firstLine, headers } = parseHead(head);
    const outcome = this.route(firstLine, headers);
    if (typeof outcome === "string") {
      refuseWith(socket, outcome);
      return;
    }
    const { route, protocol, key } = outcome;
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${acceptKey(key)}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
    );
    const connection = new WebSocketConnection(socket, protocol, rest, {
      maxPayload: route.maxPayload,
      isClient: false,
      messageTimeout: route.messageTimeout,
    });
    if (route.maxConnections > 0) {
      this.perRoute.set(route, (this.perRoute.get(route) ?? 0) + 1);
      socket.once("close", () => this.perRoute.set(route, this.perRoute.get(route)! - 1));
    }
    route.accept(connection, protocol, remoteOf(socket));
  }

  /** The route and protocol an upgrade request gets, or the HTTP error that answers it. */
  private route(
    firstLine: string,
    headers: Map<string, string>,
  ): string | { route: WsRoute; protocol: string; key: string } {
    const request = /^GET (\S+) HTTP\/1\.1$/.exec(firstLine);
    if (!request) return httpError(400, "Bad Request");
    // RFC 6455, 4.2.1: an Upgrade naming websocket and a Connection naming upgrade.
    if (!/\bwebsocket\b/i.test(headers.get("upgrade") ?? "") || !/\bupgrade\b/i.test(headers.get("connection") ?? "")) {
      return httpError(426, "Upgrade Required", "a ZeroMQ WebSocket endpoint (ZWS 2.0)\n");
    }
    if (headers.get("sec-websocket-version") !== "13") {
      return httpError(426, "Upgrade Required", "", "Sec-WebSocket-Version: 13\r\n");
    }
    const key = headers.get("sec-websocket-key") ?? "";
    if (Buffer.from(key, "base64").length !== 16) return httpError(400, "Bad Request");
    const path = pathOf(request[1]!);
    const route = this.routes.get(path);
    if (!route) return httpError(404, "Not Found");
    const refusal = checkAccess(route.access, headers, request[1]!);
    if (refusal) {
      this.logRefusal(path, refusal.reason);
      const reason = refusal.status === 401 ? "Unauthorized" : "Forbidden";
      return httpError(refusal.status, reason, `${refusal.reason}\n`);
    }
    if (route.maxConnections > 0 && (this.perRoute.get(route) ?? 0) >= route.maxConnections) {
      return httpError(503, "Service Unavailable", "too many connections\n");
    }
    const offered = (headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
    // RFC 45: a server that supports none of the client's protocols closes the connection.
    const protocol = chooseProtocol(route.mechanism, offered);
    if (!protocol) return httpError(400, "Bad Request");
    return { route, protocol, key };
  }

  private logRefusal(path: string, why: string): void {
    const key = `${path} ${why}`;
    if (this.refusalsLogged.has(key) || this.refusalsLogged.size >= MAX_REFUSALS_LOGGED) return;
    this.refusalsLogged.add(key);
    const where = formatWsEndpoint(this.server instanceof tls.Server ? "wss" : "ws", this.address, this.port, path);
    processWarningLogger.warn(`refused a WebSocket to ${where}: ${why} (logged once)`);
  }
}

/**
 * Answers and closes; a peer that does not close its side is dropped after a moment, so that a
 * refused connection cannot keep its place among the port's connections.
 */
function refuseWith(socket: net.Socket, answer: string): void {
  socket.end(answer);
  unref(setTimeout(() => socket.destroy(), REFUSED_GRACE_MS));
}

function pathOf(target: string): string {
  try {
    return new URL(target, "http://host").pathname;
  } catch {
    return "";
  }
}

function httpError(status: number, reason: string, body = "", extraHeaders = ""): string {
  return (
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extraHeaders}Content-Type: text/plain\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function remoteOf(socket: net.Socket): string {
  return formatWsEndpoint("ws", socket.remoteAddress ?? "?", socket.remotePort ?? 0, "");
}

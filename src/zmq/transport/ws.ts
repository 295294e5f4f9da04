import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";
import { type AddressInfo, isIP } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { ZmqError } from "../errors.js";
import type { Carrier, ConnectOptions, Listener, ListenOptions, Transport } from "./carrier.js";
import { formatWsEndpoint, parseWsAddress } from "./endpoint.js";
import { toZmqError } from "./tcp.js";
import { WsCarrier, type WebSocketLike } from "./ws-carrier.js";
import { type ClientWebSocket, openWebSocket } from "./ws-client.js";
import { chooseProtocol, mechanismOf, offeredProtocols, parseProtocolHeader } from "./zws.js";

interface Route {
  mechanism: string;
  wss: WebSocketServer;
  accept(carrier: Carrier): void;
}

/** One HTTP server per bound host and port; each path on it is a socket's endpoint. */
interface SharedServer {
  server: http.Server;
  routes: Map<string, Route>;
}

const servers = new Map<string, SharedServer>();

type ZwsRequest = http.IncomingMessage & { zwsProtocol?: string };

/** ws's maxPayload for a socket's maxMessageSize: one octet more for the flags; 0 = no limit. */
function maxPayloadFor(maxMessageSize: number | undefined): number {
  return maxMessageSize !== undefined && maxMessageSize >= 0 ? maxMessageSize + 1 : 0;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function remoteOf(socket: Duplex): string {
  const s = socket as Duplex & { remoteAddress?: string; remotePort?: number };
  return formatWsEndpoint("ws", s.remoteAddress ?? "?", s.remotePort ?? 0, "").replace(/\/$/, "");
}

function upgrade(shared: SharedServer, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const path = new URL(req.url ?? "/", "http://host").pathname;
  const route = shared.routes.get(path);
  if (!route) {
    refuse(socket, 404, "Not Found");
    return;
  }
  // RFC 45: a server that supports none of the client's protocols closes the connection.
  const chosen = chooseProtocol(route.mechanism, parseProtocolHeader(req.headers["sec-websocket-protocol"]));
  if (!chosen) {
    refuse(socket, 400, "Bad Request");
    return;
  }
  // libzmq's offers ("ZWS2.0/NULL") are not HTTP tokens, which `ws` would refuse: it is given a
  // token in their place, and names the choice made here in its reply.
  req.headers["sec-websocket-protocol"] = "zws";
  (req as ZwsRequest).zwsProtocol = chosen;
  route.wss.handleUpgrade(req, socket, head, (ws) => {
    route.accept(new WsCarrier(ws as unknown as WebSocketLike, remoteOf(socket), mechanismOf(chosen)!));
  });
}

async function createServer(
  host: string,
  port: number,
  bindName: string,
  credentials: { cert: string; key: string } | undefined,
): Promise<SharedServer> {
  const answer = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(426, { "Content-Type": "text/plain" }).end("a ZeroMQ WebSocket endpoint (ZWS 2.0)\n");
  };
  let server: http.Server;
  try {
    server = credentials ? https.createServer(credentials, answer) : http.createServer(answer);
  } catch (e) {
    throw new ZmqError("EINVAL", `bind ${bindName}: unusable certificate or key: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const shared: SharedServer = { server, routes: new Map() };
  server.on("upgrade", (req, socket, head) => upgrade(shared, req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(toZmqError(e, `bind ${bindName}`)));
    server.listen({ host: host === "*" ? undefined : host, port }, () => resolve());
  });
  server.on("error", () => {});
  return shared;
}

function makeTransport(scheme: "ws" | "wss"): Transport {
  return {
    async listen(address, accept, options: ListenOptions = {}): Promise<Listener> {
      const { host, port, path } = parseWsAddress(address, true);
      const bindName = `${scheme}://${address}`;
      const credentials = scheme === "wss" ? serverCredentials(options, bindName) : undefined;
      let key = `${scheme}:${host}:${port}`;
      let shared = port !== 0 ? servers.get(key) : undefined;
      if (!shared) {
        shared = await createServer(host, port, bindName, credentials);
        key = `${scheme}:${host}:${(shared.server.address() as AddressInfo).port}`;
        servers.set(key, shared);
      }
      if (shared.routes.has(path)) throw new ZmqError("EADDRINUSE", `bind ${bindName}: address in use`);
      const mechanism = options.mechanism ?? "NULL";
      const wss = new WebSocketServer({
        noServer: true,
        perMessageDeflate: false,
        maxPayload: maxPayloadFor(options.maxMessageSize),
        handleProtocols: (_offered: Set<string>, req: ZwsRequest) => req.zwsProtocol ?? false,
      });
      const route: Route = { mechanism, wss, accept };
      shared.routes.set(path, route);
      const bound = shared.server.address() as AddressInfo;
      const shownHost = host === "*" ? "0.0.0.0" : bound.address;
      const owner = shared;
      return {
        endpoint: formatWsEndpoint(scheme, shownHost, bound.port, path),
        async close() {
          if (owner.routes.get(path) !== route) return;
          owner.routes.delete(path);
          route.wss.close();
          if (owner.routes.size > 0) return;
          servers.delete(key);
          await new Promise<void>((resolve) => owner.server.close(() => resolve()));
        },
      };
    },

    async connect(address, settings: ConnectOptions = {}): Promise<Carrier> {
      const { host, port, path } = parseWsAddress(address, false);
      const url = formatWsEndpoint(scheme, host, port, path);
      const mechanism = settings.mechanism ?? "NULL";
      let ws: ClientWebSocket;
      try {
        ws = await openWebSocket(scheme === "wss", host, port, path, {
          protocols: offeredProtocols(mechanism),
          timeout: settings.timeout,
          maxPayload: maxPayloadFor(settings.maxMessageSize),
          tls: scheme === "wss" ? clientTls(settings) : undefined,
        });
      } catch (e) {
        throw toZmqError(e, `connect ${url}`);
      }
      const agreed = mechanismOf(ws.protocol);
      if (agreed === undefined) {
        ws.terminate();
        throw new ZmqError("EPROTO", `connect ${url}: the server chose no ZWS protocol ("${ws.protocol}")`);
      }
      return new WsCarrier(ws, `${scheme}://${formatHostPort(host, port)}`, agreed);
    },
  };
}

export const wsTransport = makeTransport("ws");
export const wssTransport = makeTransport("wss");

function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function serverCredentials(options: ListenOptions, bindName: string): { cert: string; key: string } {
  const { certPem, keyPem } = options.tls ?? {};
  if (!certPem || !keyPem) throw new ZmqError("EINVAL", `bind ${bindName}: wss:// needs wssCertPem and wssKeyPem`);
  return { cert: certPem, key: keyPem };
}

/** Whom a wss:// client trusts: the system's authorities, the socket's, or both. */
function clientTls(settings: ConnectOptions): tls.ConnectionOptions {
  const { trustPem, trustSystem = true, hostname } = settings.tls ?? {};
  const ca = trustPem ? (trustSystem ? [...tls.rootCertificates, trustPem] : [trustPem]) : undefined;
  const options: tls.ConnectionOptions = ca ? { ca } : {};
  if (hostname) {
    options.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(hostname, cert);
    if (!isIP(hostname)) options.servername = hostname;
  }
  return options;
}

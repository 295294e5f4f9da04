import * as tls from "node:tls";
import { isIP } from "node:net";
import { ZmqError } from "../../errors.js";
import type { Carrier, ConnectOptions, Listener, ListenOptions, Transport } from "../carrier.js";
import { formatWsEndpoint, parseWsAddress } from "../endpoint.js";
import { toZmqError } from "../tcp.js";
import { NO_PAGES } from "./ws-access.js";
import { WsCarrier } from "./ws-carrier.js";
import { openWebSocket } from "./ws-client.js";
import type { WebSocketConnection } from "./ws-connection.js";
import { WebSocketListener, type WsRoute } from "./ws-server.js";
import { mechanismOf, offeredProtocols } from "./zws.js";

/** One listening port per scheme, host and port; each path on it is a socket's endpoint. */
const listeners = new Map<string, WebSocketListener>();

/** The WebSocket message limit for a socket's maxMessageSize: one octet more for the flags. */
function maxPayloadFor(maxMessageSize: number | undefined): number {
  return maxMessageSize !== undefined && maxMessageSize >= 0 ? maxMessageSize + 1 : 0;
}

function makeTransport(scheme: "ws" | "wss"): Transport {
  return {
    async listen(address, accept, options: ListenOptions = {}): Promise<Listener> {
      const { host, port, path } = parseWsAddress(address, true);
      const bindName = `${scheme}://${address}`;
      const credentials = scheme === "wss" ? serverCredentials(options, bindName) : undefined;
      let key = `${scheme}:${host}:${port}`;
      let listener = port !== 0 ? listeners.get(key) : undefined;
      if (!listener) {
        listener = await startListener(host, port, credentials, bindName);
        key = `${scheme}:${host}:${listener.port}`;
        listeners.set(key, listener);
      }
      if (listener.routes.has(path)) throw new ZmqError("EADDRINUSE", `bind ${bindName}: address in use`);
      const route: WsRoute = {
        mechanism: options.mechanism ?? "NULL",
        maxPayload: maxPayloadFor(options.maxMessageSize),
        access: options.access ?? NO_PAGES,
        messageTimeout: options.messageTimeout ?? 0,
        maxConnections: options.maxConnections ?? 0,
        accept: (connection, protocol, remote) => accept(new WsCarrier(connection, remote, mechanismOf(protocol)!)),
      };
      listener.routes.set(path, route);
      const owner = listener;
      return {
        endpoint: formatWsEndpoint(scheme, host === "*" ? "0.0.0.0" : owner.address, owner.port, path),
        async close() {
          if (owner.routes.get(path) !== route) return;
          owner.routes.delete(path);
          if (owner.routes.size > 0) return;
          listeners.delete(key);
          await owner.close();
        },
      };
    },

    async connect(address, settings: ConnectOptions = {}): Promise<Carrier> {
      const { host, port, path, query } = parseWsAddress(address, false);
      // Errors and events name the endpoint without its query: a token stays out of logs.
      const url = formatWsEndpoint(scheme, host, port, path);
      let ws: WebSocketConnection;
      try {
        ws = await openWebSocket(scheme === "wss", host, port, path + query, {
          protocols: offeredProtocols(settings.mechanism ?? "NULL"),
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
      return new WsCarrier(ws, formatWsEndpoint(scheme, host, port, ""), agreed);
    },
  };
}

async function startListener(
  host: string,
  port: number,
  credentials: { cert: string; key: string } | undefined,
  bindName: string,
): Promise<WebSocketListener> {
  try {
    // "*" binds every interface; Node picks the dual-stack wildcard for an undefined host.
    return await WebSocketListener.listen(host === "*" ? undefined : host, port, credentials);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("ERR_OSSL") || /PEM|key|certificate/i.test(String(e))) {
      throw new ZmqError("EINVAL", `bind ${bindName}: unusable certificate or key: ${(e as Error).message}`, {
        cause: e,
      });
    }
    throw toZmqError(e, `bind ${bindName}`);
  }
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

export const wsTransport = makeTransport("ws");
export const wssTransport = makeTransport("wss");

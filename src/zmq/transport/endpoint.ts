import { ZmqError } from "../errors.js";

export type Scheme = "tcp" | "ipc" | "inproc" | "ws" | "wss" | "udp";

export interface Endpoint {
  scheme: Scheme;
  /** Everything after `scheme://`. */
  address: string;
}

export interface TcpAddress {
  /** Host without IPv6 brackets; `*` means every interface. */
  host: string;
  /** 0 asks the OS for a free port (`*` is accepted as its synonym). */
  port: number;
}

export function parseEndpoint(endpoint: string): Endpoint {
  if (typeof endpoint !== "string") throw new ZmqError("EINVAL", "endpoint must be a string");
  const m = /^([a-z]+):\/\/(.+)$/.exec(endpoint);
  if (!m) throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": expected scheme://address`);
  const scheme = m[1]!;
  if (!SCHEMES.has(scheme)) {
    throw new ZmqError("EPROTONOSUPPORT", `unsupported transport "${scheme}" in "${endpoint}"`);
  }
  return { scheme: scheme as Scheme, address: m[2]! };
}

const SCHEMES = new Set(["tcp", "ipc", "inproc", "ws", "wss", "udp"]);

export function parseTcpAddress(address: string, forBind: boolean): TcpAddress {
  // Brackets hold a host whole: one with a bracket inside would not print back as it came.
  const m = /^(?:\[([^[\]]+)\]|([^:[\]]+)):(\d+|\*)$/.exec(address);
  if (!m) throw new ZmqError("EINVAL", `invalid tcp address "${address}": expected host:port`);
  const host = m[1] ?? m[2]!;
  const port = m[3] === "*" ? 0 : Number(m[3]);
  if (port > 65535) throw new ZmqError("EINVAL", `invalid port in "${address}"`);
  if (!forBind && (port === 0 || host === "*")) {
    throw new ZmqError("EINVAL", `cannot connect to "${address}": a host and a port are needed`);
  }
  return { host, port };
}

export function formatTcpEndpoint(host: string, port: number): string {
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}

/** The port of a `tcp://host:port` endpoint, as `lastEndpoint` gives it after binding `:0`. */
export function endpointPort(endpoint: string): number {
  const { scheme, address } = parseEndpoint(endpoint);
  if (scheme !== "tcp") throw new ZmqError("EINVAL", `${endpoint} has no port: not a tcp:// endpoint`);
  return parseTcpAddress(address, true).port;
}

export interface WsAddress extends TcpAddress {
  /** The HTTP path of the WebSocket, "/" when the endpoint names none. */
  path: string;
  /** A connect endpoint's query, with its "?" (a gateway's `?token=...`); "" when none. */
  query: string;
}

/** `host:port[/path][?query]`, the address of a `ws://` or `wss://` endpoint (no query to bind). */
export function parseWsAddress(address: string, forBind: boolean): WsAddress {
  const end = address.search(/[/?]/);
  const hostPort = end < 0 ? address : address.slice(0, end);
  const rest = end < 0 ? "" : address.slice(end);
  const mark = rest.indexOf("?");
  const path = (mark < 0 ? rest : rest.slice(0, mark)) || "/";
  const query = mark < 0 ? "" : rest.slice(mark);
  if (!path.startsWith("/") || /[\s?#]/.test(path)) throw new ZmqError("EINVAL", `invalid path in "${address}"`);
  if (query && (forBind || /[\s#]/.test(query))) throw new ZmqError("EINVAL", `invalid query in "${address}"`);
  return { ...parseTcpAddress(hostPort, forBind), path, query };
}

export function formatWsEndpoint(scheme: "ws" | "wss", host: string, port: number, path: string): string {
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}${path}`;
}

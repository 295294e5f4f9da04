import { ZmqError } from "../errors.js";

export type Scheme = "tcp" | "ipc" | "inproc";

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
  if (scheme !== "tcp" && scheme !== "ipc" && scheme !== "inproc") {
    throw new ZmqError("EPROTONOSUPPORT", `unsupported transport "${scheme}" in "${endpoint}"`);
  }
  return { scheme, address: m[2]! };
}

export function parseTcpAddress(address: string, forBind: boolean): TcpAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+|\*)$/.exec(address);
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

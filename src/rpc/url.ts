import { RpcError } from "./errors.js";

export interface RpcUrl {
  scheme: string;
  host: string;
  /** undefined when the URL has no port. */
  port: number | undefined;
}

/**
 * `scheme://host[:port]`, hosts as the reference accepts them (names, dotted IPv4, `*`) plus
 * bracketed IPv6.
 */
export function parseRpcUrl(url: string): RpcUrl {
  const m = /^([a-zA-Z]+):\/\/(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.*_-]+)(?::(\d+))?\/?$/.exec(url);
  if (!m) throw new RpcError(`invalid url "${url}": expected scheme://host or scheme://host:port`);
  return { scheme: m[1]!, host: m[2]!, port: m[3] === undefined ? undefined : Number(m[3]) };
}

export function formatRpcUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host}:${port}`;
}

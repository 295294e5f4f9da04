import { shownUrl } from "../util/shown-url.js";
import { RpcError } from "./errors.js";

export interface RpcUrl {
  scheme: string;
  host: string;
  /** undefined when the URL has no port. */
  port: number | undefined;
  /** The path of a ws:// or wss:// URL ("" when none). */
  path: string;
  /** The query of a ws:// or wss:// URL, with its "?" (a gateway's `?token=...`); "" when none. */
  query: string;
}

/**
 * `scheme://host[:port]`, hosts as the reference accepts them (names, dotted IPv4, `*`) plus
 * bracketed IPv6; `ws://` and `wss://` URLs may have a path.
 */
export function parseRpcUrl(url: string): RpcUrl {
  const m = /^([a-zA-Z]+):\/\/(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.*_-]+)(?::(\d+))?(\/[^\s?#]*)?(\?[^\s#]*)?$/.exec(url);
  if (!m) throw new RpcError(`invalid url "${shownUrl(url)}": expected scheme://host or scheme://host:port`);
  const scheme = m[1]!;
  const path = m[4] ?? "";
  const query = m[5] ?? "";
  if ((path.length > 1 || query) && scheme !== "ws" && scheme !== "wss") {
    throw new RpcError(`invalid url "${shownUrl(url)}": only ws:// and wss:// URLs have a path or a query`);
  }
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && port > 65535) {
    throw new RpcError(`invalid url "${shownUrl(url)}": port ${m[3]} is over 65535`);
  }
  return { scheme, host: m[2]!, port, path: path === "/" ? "" : path, query };
}

/** A server's web endpoint: a ws:// or wss:// URL. */
export function parseWebUrl(url: string): RpcUrl {
  const parsed = parseRpcUrl(url);
  if (parsed.scheme !== "ws" && parsed.scheme !== "wss") {
    throw new RpcError(`invalid web url "${shownUrl(url)}": expected ws://host:port[/path] or wss://`);
  }
  return parsed;
}

export function formatRpcUrl(scheme: string, host: string, port: number, path = "", query = ""): string {
  return `${scheme}://${host}:${port}${path}${query}`;
}

/** Where a device reached at `deviceUrl` publishes its signals over tcp/ipc: its host, that port. */
export function signalsEndpoint(deviceUrl: string, signalPort: number): string {
  const { scheme, host } = parseRpcUrl(deviceUrl);
  return formatRpcUrl(scheme, host, signalPort);
}

/**
 * Where a client that reached a device at `url` subscribes to its signals: the tcp/ipc signal
 * port (signalsEndpoint), or, over WebSocket, `<path>/signals` on the port it reached, with its
 * URL's query (a gateway's token). The signals path the inventory announces (`web`) is taken
 * only when the device was reached at the methods path it announces too: through a gateway, the
 * device's own paths mean nothing.
 */
export function clientSignalsEndpoint(
  url: string,
  signalPort: number,
  web: { methods: string; signals: string } | undefined,
): string {
  const { scheme, host, port, path, query } = parseRpcUrl(url);
  if (scheme !== "ws" && scheme !== "wss") return signalsEndpoint(url, signalPort);
  const direct = web !== undefined && pathOf(web.methods) === (path || "/");
  const signalsPath = direct ? pathOf(web.signals) : `${path.replace(/\/$/, "")}/signals`;
  return formatRpcUrl(scheme, host, port ?? (scheme === "wss" ? 443 : 80), signalsPath, query);
}

/** The path of an announced ws:// URL ("/" when it has none, or is not a URL). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname || "/";
  } catch {
    return "/";
  }
}

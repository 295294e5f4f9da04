import type * as http from "node:http";
import { tokensEqual } from "../util/tokens.js";
import { hostName } from "../zmq/internal.js";

/**
 * The checks of the dashboard's HTTP server, before anything is served: a Host header that
 * names this machine (a page of a foreign name that resolves here, DNS rebinding, is refused)
 * and the token (Jupyter's way: `?token=` in the URL, or `Authorization: token <t>`).
 */
export interface HttpGuard {
  /** Host names accepted; undefined for any. */
  hosts: ReadonlySet<string> | undefined;
  token: string | undefined;
}

export interface HttpRefusal {
  status: 401 | 403;
  reason: string;
}

export function checkRequest(guard: HttpGuard, req: http.IncomingMessage, url: URL): HttpRefusal | undefined {
  const host = hostName(req.headers.host ?? "");
  if (guard.hosts && !guard.hosts.has(host)) {
    return { status: 403, reason: "this server does not answer to that host name" };
  }
  if (guard.token === undefined) return undefined;
  const authorization = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  const given = authorization?.[1] ?? url.searchParams.get("token") ?? undefined;
  if (given === undefined) return { status: 401, reason: "a token is required: open the URL that plantrpc printed" };
  if (!tokensEqual(given, guard.token)) return { status: 403, reason: "wrong token" };
  return undefined;
}

/**
 * Headers of every response: no sniffing, no referrer (the token is in the URL), no framing,
 * and the page's policy: its own script and style only, images from blob: URLs it makes, and
 * connections to the gateway alone.
 */
export function securityHeaders(connectSrc: string): Record<string, string> {
  return {
    "Content-Security-Policy":
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src blob:; " +
      `connect-src ${connectSrc}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
}

/**
 * The gateway's address as the CSP names it, for a page reached at `host`: IPv6 literals have no
 * place in a CSP source expression, so they get any host on the gateway's port.
 */
export function gatewaySource(host: string, port: number): string {
  const name = host.includes(":") ? "*" : host;
  return `ws://${name}:${port} wss://${name}:${port}`;
}

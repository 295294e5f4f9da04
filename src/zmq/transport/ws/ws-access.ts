import { tokensEqual } from "../../../util/tokens.js";
import { hostName, normalizeOrigin } from "./ws-origins.js";

/**
 * Who may open a WebSocket to one route of a port. Browsers do not apply the same-origin rule to
 * WebSockets: any page may try to open one to any address, so a server that lets pages in must
 * say which. Clients that are not browsers (Node, Bun, Deno, Python, libzmq) send no `Origin`
 * and are not concerned by the origin check.
 */
export interface WsAccess {
  /** Origins whose pages may connect (normalised, see `normalizeOrigin`), or "*" for any page. */
  origins: ReadonlySet<string> | "*";
  /** Host names the `Host` header may carry (against DNS rebinding); undefined for any. */
  hosts?: ReadonlySet<string>;
  /** A secret every upgrade must carry: `?token=` in its URL, or `Authorization: token <t>`. */
  token?: string;
}

/** What answers a refused upgrade: its HTTP status, and one line saying why. */
export interface WsRefusal {
  status: 401 | 403;
  reason: string;
}

/** No page, any host, no token: the default of a socket's ws:// bind. */
export const NO_PAGES: WsAccess = { origins: new Set() };

/**
 * The refusal an upgrade request gets under `access`, or undefined when it may go on. The checks
 * run in the order that tells least to a stranger: host, origin, token. Host and origin concern
 * pages only (a browser always sends Origin): DNS rebinding fools browsers, and a program that
 * reaches a device by a name of its own must not be refused for it.
 */
export function checkAccess(
  access: WsAccess,
  headers: ReadonlyMap<string, string>,
  target: string,
): WsRefusal | undefined {
  const origin = headers.get("origin");
  const host = hostName(headers.get("host") ?? "");
  if (origin !== undefined && access.hosts && !access.hosts.has(host)) {
    return { status: 403, reason: `host ${quote(host)} is not one this server answers to` };
  }
  if (origin !== undefined && access.origins !== "*") {
    const normalised = normalizeOrigin(origin);
    if (normalised === undefined || !access.origins.has(normalised)) {
      return { status: 403, reason: `origin ${quote(normalised ?? origin)} is not allowed` };
    }
  }
  if (access.token !== undefined) {
    const given = tokenOf(headers, target);
    if (given === undefined) return { status: 401, reason: "a token is required" };
    if (!tokensEqual(given, access.token)) return { status: 403, reason: "wrong token" };
  }
  return undefined;
}

/** A value from the request, fit for a log line or an HTTP body: quoted, escaped, short. */
function quote(text: string): string {
  const short = text.length > 100 ? `${text.slice(0, 100)}...` : text;
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function tokenOf(headers: ReadonlyMap<string, string>, target: string): string | undefined {
  const authorization = /^(?:token|bearer)\s+(\S+)$/i.exec(headers.get("authorization") ?? "");
  if (authorization) return authorization[1];
  try {
    return new URL(target, "http://host").searchParams.get("token") ?? undefined;
  } catch {
    return undefined;
  }
}

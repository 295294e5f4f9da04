import type { Socket, SocketOptions } from "../zmq/index.js";

/**
 * Who may reach a WebSocket surface of ours (a device's web endpoint, the gateway) from a web
 * page. Browsers let any page open a WebSocket to any address, the lab's devices included, so
 * the default lets no page in; non-browser clients (which send no Origin) are not concerned.
 */
export interface WebAccess {
  /**
   * Origins (`scheme://host[:port]`) of the pages that may connect, e.g. `["https://lab.example"]`;
   * `["*"]` lets any page in, a deliberate choice. Default: none (HTTP 403).
   */
  allowedOrigins?: readonly string[];
  /**
   * Host names that requests may name in their Host header, against DNS rebinding (a foreign
   * name made to point at this machine). Default: any.
   */
  allowedHosts?: readonly string[];
  /** A secret that every connection must present: `?token=...` in its URL. Default: none. */
  token?: string;
  /** ms a peer may take to finish a message it has begun. Default 30000; 0 = no limit. */
  messageTimeout?: number;
}

/** A browser-facing route's message timeout: a page's requests are small. */
export const WEB_MESSAGE_TIMEOUT_MS = 30_000;

/** The socket options (plantrpc's ws* extensions) that put `access` in force on ws:// binds. */
export function webSocketOptions(access: WebAccess = {}): SocketOptions<Socket> {
  const options: SocketOptions<Socket> = {
    wsMessageTimeout: access.messageTimeout ?? WEB_MESSAGE_TIMEOUT_MS,
  };
  if (access.allowedOrigins?.length) options.wsAllowedOrigins = access.allowedOrigins.join(" ");
  if (access.allowedHosts?.length) options.wsAllowedHosts = access.allowedHosts.join(" ");
  if (access.token !== undefined) {
    if (access.token.length < 8) throw new TypeError("a web access token needs at least 8 characters");
    options.wsToken = access.token;
  }
  return options;
}

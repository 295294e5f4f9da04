/**
 * ZWS 2.0 (RFC 45): which WebSocket subprotocols name which security mechanism. "ZWS2.0" alone
 * is the protocol with no mechanism (a routing-id message first, no handshake).
 */
const BARE = "ZWS2.0";
const PREFIX = "ZWS2.0/";

/**
 * What a client offers. NULL offers bare ZWS2.0 only, the protocol every ZWS server must speak:
 * "ZWS2.0/NULL" is not an HTTP token, so servers built on the `ws` package (jszmq's) answer any
 * offer that contains it with 400 Bad Request, and web pages cannot offer it at all. PLAIN and
 * CURVE have no bare form: they offer their own name (libzmq's servers and ours accept it).
 */
export function offeredProtocols(mechanism: string): string[] {
  return mechanism === "NULL" ? [BARE] : [`${PREFIX}${mechanism}`];
}

/** What a server picks among a client's offers: its own mechanism, else nothing. */
export function chooseProtocol(mechanism: string, offered: readonly string[]): string | undefined {
  const ours = `${PREFIX}${mechanism}`;
  if (offered.includes(ours)) return ours;
  if (mechanism === "NULL" && offered.includes(BARE)) return BARE;
  return undefined;
}

/** The mechanism a chosen subprotocol stands for ("" for bare ZWS2.0); undefined if not ZWS. */
export function mechanismOf(protocol: string): string | undefined {
  if (protocol === BARE) return "";
  return protocol.startsWith(PREFIX) ? protocol.slice(PREFIX.length) : undefined;
}

/** The Sec-WebSocket-Protocol header's list. */
export function parseProtocolHeader(header: string | undefined): string[] {
  return (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

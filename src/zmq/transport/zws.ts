/**
 * ZWS 2.0 (RFC 45): which WebSocket subprotocols name which security mechanism. "ZWS2.0" alone
 * is the protocol with no mechanism (a routing-id message first, no handshake).
 */
const BARE = "ZWS2.0";
const PREFIX = "ZWS2.0/";

/**
 * What a client offers. libzmq offers "ZWS2.0/NULL" first, but a WebSocket subprotocol must be
 * an HTTP token, which "/" is not: browsers and the `ws` package refuse to send one. So NULL
 * sockets offer bare ZWS2.0, as jszmq does, and mechanisms are not offered yet.
 */
export function offeredProtocols(mechanism: string): string[] | undefined {
  return mechanism === "NULL" ? [BARE] : undefined;
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

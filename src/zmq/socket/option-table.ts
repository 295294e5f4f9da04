/**
 * Every socket option of the native `zeromq` package (v6), one row each: the property name,
 * libzmq's option number (for the low-level get/set*Option methods), its type, who may read and
 * write it, its default, the socket types that have it, and whether it acts here. Properties,
 * constructor checks, the low-level accessors, the warnings and the documentation all derive
 * from this table.
 */

import type { OptionRows } from "./option-row-types.js";
import { isAddressFilter, isCurveKey, isOriginList } from "./option-checks.js";
import { type OptionRow, READABLE, row, WRITABLE } from "./option-schema.js";

export type { OptionKind, OptionRow, SocketClassName } from "./option-schema.js";
export { ALL_SOCKETS, READABLE, WRITABLE } from "./option-schema.js";

export const OPTION_ROWS: OptionRows = [
  // Sending and receiving
  row(
    "sendHighWaterMark",
    23,
    "int32",
    1000,
    "Messages queued per peer before sending blocks or drops; 0 = no limit.",
    { on: WRITABLE, min: 0, immediate: true },
  ),
  row("sendTimeout", 28, "int32", -1, "ms a send may wait for room; -1 = forever, 0 = fail at once with EAGAIN.", {
    on: WRITABLE,
    min: -1,
    immediate: true,
  }),
  row("sendBufferSize", 11, "int32", -1, "Kernel send buffer size; -1 = the OS default.", {
    on: WRITABLE,
    min: -1,
    effect: "stored",
  }),
  row("multicastHops", 25, "int32", 1, "Multicast TTL (pgm).", { on: WRITABLE, min: 0, effect: "stored" }),
  row(
    "receiveHighWaterMark",
    24,
    "int32",
    1000,
    "Messages queued per peer before reading from it stops; 0 = no limit.",
    { on: READABLE, min: 0, immediate: true },
  ),
  row("receiveTimeout", 27, "int32", -1, "ms a receive may wait; -1 = forever.", {
    on: READABLE,
    min: -1,
    immediate: true,
  }),
  row("receiveBufferSize", 12, "int32", -1, "Kernel receive buffer size; -1 = the OS default.", {
    on: READABLE,
    min: -1,
    effect: "stored",
  }),
  // Connections
  row(
    "linger",
    17,
    "int32",
    -1,
    "ms to flush queued messages after close(); -1 = until sent, 0 = drop. 0 when the context is not blocky.",
    { min: -1, immediate: true },
  ),
  row("reconnectInterval", 18, "int32", 100, "ms before reconnecting; -1 = never reconnect.", { min: -1 }),
  row("reconnectMaxInterval", 21, "int32", 0, "Upper bound of the exponential reconnect backoff, ms; 0 = no backoff.", {
    min: 0,
  }),
  row("connectTimeout", 79, "int32", 0, "ms a TCP connection attempt may take; 0 = the OS default.", { min: 0 }),
  row("handshakeInterval", 66, "int32", 30000, "ms allowed for the ZMTP greeting and handshake; 0 = unbounded.", {
    min: 0,
  }),
  row("heartbeatInterval", 75, "int32", 0, "ms between PINGs; 0 = none.", { min: 0 }),
  row(
    "heartbeatTimeout",
    77,
    "int32",
    -1,
    "ms of silence after a PING before the peer is dropped; -1 = heartbeatInterval.",
    { min: -1 },
  ),
  row("heartbeatTimeToLive", 76, "int32", 0, "TTL announced in PINGs, ms (tenths of a second on the wire)."),
  row("immediate", 39, "bool", false, "Queue messages only to peers whose handshake is complete."),
  row("maxMessageSize", 22, "int64", -1, "Largest message accepted from a peer, octets; negative = no limit."),
  row("backlog", 19, "int32", 100, "Pending connections the OS keeps for a bound socket.", {
    min: 0,
    effect: "stored",
  }),
  row(
    "ipv6",
    42,
    "bool",
    false,
    "Allow IPv6 on tcp:// endpoints (follows the context's ipv6). IPv6 addresses are always accepted here.",
  ),
  row("tcpKeepalive", 34, "int32", -1, "TCP keepalive: -1 = OS default, 0 = off, 1 = on.", { min: -1, max: 1 }),
  row("tcpKeepaliveCount", 35, "int32", -1, "TCP_KEEPCNT; -1 = OS default.", { min: -1, effect: "stored" }),
  row("tcpKeepaliveIdle", 36, "int32", -1, "TCP_KEEPIDLE, seconds; -1 = OS default.", { min: -1 }),
  row("tcpKeepaliveInterval", 37, "int32", -1, "TCP_KEEPINTVL; -1 = OS default.", { min: -1, effect: "stored" }),
  row("tcpAcceptFilter", 38, "string", null, "Deprecated in libzmq: accept filter by address.", {
    effect: "stored",
    unreadable: true,
    accepts: isAddressFilter,
  }),
  row("tcpMaxRetransmitTimeout", 80, "int32", 0, "TCP_MAXRT (Windows).", { min: 0, effect: "stored" }),
  row("typeOfService", 57, "uint32", 0, "IP type of service of outgoing packets.", { effect: "stored" }),
  row("interface", 92, "string", null, "SO_BINDTODEVICE.", { effect: "stored" }),
  row("socksProxy", 68, "string", null, "SOCKS5 proxy for tcp:// connections.", { effect: "stored" }),
  row("loopbackFastPath", 94, "bool", false, "Windows loopback fast path.", { effect: "stored" }),
  row("affinity", 4, "uint64", 0, "I/O thread affinity (one event loop here).", { effect: "stored" }),
  row("rate", 8, "int32", 100, "Multicast data rate, kbit/s (pgm).", { min: 1, effect: "stored" }),
  row("recoveryInterval", 9, "int32", 10000, "Multicast recovery interval, ms (pgm).", { min: 0, effect: "stored" }),
  row("multicastMaxTransportDataUnit", 84, "int32", 1500, "Multicast TPDU size (pgm).", { min: 0, effect: "stored" }),
  row("vmciBufferSize", 85, "uint64", 0, "VMCI transport (not in libzmq builds either).", {
    effect: "stored",
    unsupported: true,
  }),
  row("vmciBufferMinSize", 86, "uint64", 0, "VMCI transport.", { effect: "stored", unsupported: true }),
  row("vmciBufferMaxSize", 87, "uint64", 0, "VMCI transport.", { effect: "stored", unsupported: true }),
  row("vmciConnectTimeout", 88, "int32", -1, "VMCI transport.", { effect: "stored", unsupported: true }),
  // Identity and routing
  row("routingId", 5, "string", null, "Our identity, announced to ROUTER peers (1-255 octets, not starting with 0).", {
    on: ["Request", "Reply", "Router", "Dealer"],
  }),
  row("connectRoutingId", 61, "string", null, "ROUTER, STREAM: the routing id of the peer at the next connect().", {
    on: ["Router", "Stream"],
    access: "w",
    property: false,
  }),
  row(
    "mandatory",
    33,
    "bool",
    false,
    "ROUTER: fail with EHOSTUNREACH for unknown peers and block at the HWM instead of dropping.",
    { on: ["Router"], immediate: true, unreadable: true },
  ),
  row("handover", 56, "bool", false, "ROUTER: a new peer with a routing id in use takes it over.", {
    on: ["Router"],
    access: "w",
    immediate: true,
  }),
  row("probeRouter", 51, "bool", false, "Send an empty message to a ROUTER peer on connect.", {
    on: ["Router", "Dealer", "Request"],
    access: "w",
    immediate: true,
  }),
  row("correlate", 52, "bool", false, "REQ: tag requests with an id and accept only the reply carrying it.", {
    on: ["Request"],
    access: "w",
    immediate: true,
  }),
  row("relaxed", 53, "bool", false, "REQ: allow a new request before the reply to the last one.", {
    on: ["Request"],
    access: "w",
    immediate: true,
  }),
  row("conflate", 54, "bool", false, "Keep only the last message in each queue.", {
    on: ["Pull", "Push", "Subscriber", "Publisher", "Dealer", "Gather", "Scatter"],
    access: "w",
  }),
  // Publish-subscribe
  row("noDrop", 69, "bool", false, "(X)PUB: block (or EAGAIN) at the high-water mark instead of dropping.", {
    on: ["XPublisher", "Publisher"],
    access: "w",
  }),
  row("manual", 71, "bool", false, "XPUB: subscriptions take effect only when the application sends them.", {
    on: ["XPublisher"],
    access: "w",
  }),
  row("welcomeMessage", 72, "string", null, "XPUB: a message sent to each new subscriber.", {
    on: ["XPublisher"],
    access: "w",
  }),
  row("invertMatching", 74, "bool", false, "(X)PUB/SUB: deliver messages that match no subscription.", {
    on: ["Publisher", "Subscriber", "XPublisher"],
  }),
  row("notify", 73, "bool", true, "STREAM: report connections and disconnections as empty messages.", {
    on: ["Stream"],
    access: "w",
  }),
  // Security
  row("plainServer", 44, "bool", false, "Act as PLAIN server."),
  row("plainUsername", 45, "string", null, "PLAIN user name (makes this socket a PLAIN client)."),
  row("plainPassword", 46, "string", null, "PLAIN password."),
  row("curveServer", 47, "bool", false, "Act as CURVE server."),
  row("curvePublicKey", 48, "string", null, "Our CURVE public key (Z85).", { unreadable: true, accepts: isCurveKey }),
  row("curveSecretKey", 49, "string", null, "Our CURVE secret key (Z85).", { unreadable: true, accepts: isCurveKey }),
  row("curveServerKey", 50, "string", null, "The server's CURVE public key (Z85); makes this socket a CURVE client.", {
    unreadable: true,
    accepts: isCurveKey,
  }),
  row("zapDomain", 55, "string", null, "ZAP domain of this socket."),
  row(
    "zapEnforceDomain",
    93,
    "bool",
    false,
    "CURVE and NULL servers refuse peers when no ZAP handler is bound (with no domain, CURVE skips ZAP).",
  ),
  // wss:// (plantrpc's own: libzmq's draft ZMQ_WSS_* options; the native package has no WebSocket)
  row("wssCertPem", 104, "string", null, "wss:// server: its TLS certificate chain (PEM).", { extension: true }),
  row("wssKeyPem", 103, "string", null, "wss:// server: its TLS private key (PEM).", {
    extension: true,
    unreadable: true,
  }),
  row("wssTrustPem", 105, "string", null, "wss:// client: certificate authorities to trust (PEM).", {
    extension: true,
  }),
  row(
    "wssHostname",
    106,
    "string",
    null,
    "wss:// client: the name the server's certificate must bear (default: the endpoint's host).",
    { extension: true },
  ),
  row("wssTrustSystem", 107, "bool", true, "wss:// client: trust the system's certificate authorities too.", {
    extension: true,
  }),
  // Who may open a ws:// or wss:// connection (plantrpc's own: browsers send any page's WebSockets
  // anywhere, so a WebSocket server says which pages it lets in). Numbers outside libzmq's range.
  row(
    "wsAllowedOrigins",
    20001,
    "string",
    null,
    'ws:// and wss:// binds: the origins (scheme://host[:port]) whose web pages may connect, separated by spaces or commas; "*" for any page. Default: none (403). Clients that send no Origin (every ZeroMQ library) are not concerned.',
    { extension: true, accepts: isOriginList },
  ),
  row(
    "wsAllowedHosts",
    20002,
    "string",
    null,
    "ws:// and wss:// binds: the host names a request's Host header may carry (against DNS rebinding), separated by spaces or commas. Default: any.",
    { extension: true },
  ),
  row(
    "wsToken",
    20003,
    "string",
    null,
    "ws:// and wss:// binds: a secret every connection must present (`?token=` in its URL, or an `Authorization: token` header); 401/403 otherwise. Default: none.",
    { extension: true, access: "w" },
  ),
  row(
    "wsMessageTimeout",
    20004,
    "int32",
    0,
    "ws:// and wss:// binds: ms a peer may take to finish a message it has begun (a partial frame or fragments), then it is dropped (close code 1008); 0 = no limit.",
    { extension: true, min: 0 },
  ),
  row(
    "sendHighWaterBytes",
    20005,
    "int32",
    0,
    "Octets queued per peer before sending blocks or drops, as sendHighWaterMark counts messages; 0 = no limit. From half of it, the socket stops reading from that peer until a quarter is left: a peer that sends requests and does not read the replies holds at most this much. Set it on one side of a link (the server's): two peers that both stop reading each other while both send wait for each other until a heartbeat timeout.",
    { extension: true, on: WRITABLE, min: 0, immediate: true },
  ),
  row(
    "maxConnections",
    20006,
    "int32",
    0,
    "Connections one bind accepts at once (tcp://, ipc://, and each ws:// route); past it a new one is closed at once. 0 = no limit, as in libzmq.",
    { extension: true, min: 0 },
  ),
  // Read-only state
  row("type", 16, "int32", 0, "The socket type (libzmq's ZMQ_PAIR = 0 ... ZMQ_STREAM = 11).", { access: "r" }),
  row("lastEndpoint", 32, "string", null, "The last endpoint bound, with the port the OS chose.", { access: "r" }),
  row("securityMechanism", 43, "int32", 0, 'null, "plain", "curve" or "gssapi".', { access: "r" }),
  row("threadSafe", 81, "bool", false, "Whether the socket may be shared between threads (never, for these types).", {
    access: "r",
  }),
] as const;

/**
 * Options accepted and kept whose effect is still to be built: a name leaves this list when its
 * effect works (and its test proves it). docs/zmq-api.md lists them from here.
 */
const NOT_YET = new Set<string>([]);

/** IPv6 addresses are always accepted here, whatever ipv6 says. */
const STORED = new Set(["ipv6"]);

export const OPTION_TABLE: readonly OptionRow[] = OPTION_ROWS.map((r) =>
  NOT_YET.has(r.name) ? { ...r, effect: "not yet" } : STORED.has(r.name) ? { ...r, effect: "stored" } : r,
);

/** The XPublisher's write-only verbosity is its own kind of value: null, "allSubs" or "allSubsUnsubs". */
export const XPUB_VERBOSE = 40;
export const XPUB_VERBOSER = 78;

export const OPTIONS_BY_NAME: ReadonlyMap<string, OptionRow> = new Map(OPTION_TABLE.map((r) => [r.name, r]));
export const OPTIONS_BY_ID: ReadonlyMap<number, OptionRow> = new Map(OPTION_TABLE.map((r) => [r.id, r]));

// Generated from option-table.ts by `node scripts/option-docs.mjs`; test/docs.test.ts checks
// that it is current. The type of OPTION_ROWS written out, then every settable option as a
// documented property (see renderOptionRowTypes).
import type { ALL_SOCKETS, READABLE, WRITABLE, OptionRow } from "./option-schema.js";

export type OptionRows = readonly [
  OptionRow & { readonly name: "sendHighWaterMark"; readonly kind: "int32"; readonly on: typeof WRITABLE; readonly access: "rw" },
  OptionRow & { readonly name: "sendTimeout"; readonly kind: "int32"; readonly on: typeof WRITABLE; readonly access: "rw" },
  OptionRow & { readonly name: "sendBufferSize"; readonly kind: "int32"; readonly on: typeof WRITABLE; readonly access: "rw" },
  OptionRow & { readonly name: "multicastHops"; readonly kind: "int32"; readonly on: typeof WRITABLE; readonly access: "rw" },
  OptionRow & { readonly name: "receiveHighWaterMark"; readonly kind: "int32"; readonly on: typeof READABLE; readonly access: "rw" },
  OptionRow & { readonly name: "receiveTimeout"; readonly kind: "int32"; readonly on: typeof READABLE; readonly access: "rw" },
  OptionRow & { readonly name: "receiveBufferSize"; readonly kind: "int32"; readonly on: typeof READABLE; readonly access: "rw" },
  OptionRow & { readonly name: "linger"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "reconnectInterval"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "reconnectMaxInterval"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "connectTimeout"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "handshakeInterval"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "heartbeatInterval"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "heartbeatTimeout"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "heartbeatTimeToLive"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "immediate"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "maxMessageSize"; readonly kind: "int64"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "backlog"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "ipv6"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "tcpKeepalive"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "tcpKeepaliveCount"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "tcpKeepaliveIdle"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "tcpKeepaliveInterval"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "tcpAcceptFilter"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "tcpMaxRetransmitTimeout"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "typeOfService"; readonly kind: "uint32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "interface"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "socksProxy"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "loopbackFastPath"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "affinity"; readonly kind: "uint64"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "rate"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "recoveryInterval"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "multicastMaxTransportDataUnit"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "vmciBufferSize"; readonly kind: "uint64"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "vmciBufferMinSize"; readonly kind: "uint64"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "vmciBufferMaxSize"; readonly kind: "uint64"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "vmciConnectTimeout"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "routingId"; readonly kind: "string"; readonly on: readonly ["Request", "Reply", "Router", "Dealer"]; readonly access: "rw" },
  OptionRow & { readonly name: "connectRoutingId"; readonly kind: "string"; readonly on: readonly ["Router", "Stream"]; readonly access: "w" },
  OptionRow & { readonly name: "mandatory"; readonly kind: "bool"; readonly on: readonly ["Router"]; readonly access: "rw" },
  OptionRow & { readonly name: "handover"; readonly kind: "bool"; readonly on: readonly ["Router"]; readonly access: "w" },
  OptionRow & { readonly name: "probeRouter"; readonly kind: "bool"; readonly on: readonly ["Router", "Dealer", "Request"]; readonly access: "w" },
  OptionRow & { readonly name: "correlate"; readonly kind: "bool"; readonly on: readonly ["Request"]; readonly access: "w" },
  OptionRow & { readonly name: "relaxed"; readonly kind: "bool"; readonly on: readonly ["Request"]; readonly access: "w" },
  OptionRow & { readonly name: "conflate"; readonly kind: "bool"; readonly on: readonly ["Pull", "Push", "Subscriber", "Publisher", "Dealer", "Gather", "Scatter"]; readonly access: "w" },
  OptionRow & { readonly name: "noDrop"; readonly kind: "bool"; readonly on: readonly ["XPublisher", "Publisher"]; readonly access: "w" },
  OptionRow & { readonly name: "manual"; readonly kind: "bool"; readonly on: readonly ["XPublisher"]; readonly access: "w" },
  OptionRow & { readonly name: "welcomeMessage"; readonly kind: "string"; readonly on: readonly ["XPublisher"]; readonly access: "w" },
  OptionRow & { readonly name: "invertMatching"; readonly kind: "bool"; readonly on: readonly ["Publisher", "Subscriber", "XPublisher"]; readonly access: "rw" },
  OptionRow & { readonly name: "notify"; readonly kind: "bool"; readonly on: readonly ["Stream"]; readonly access: "w" },
  OptionRow & { readonly name: "plainServer"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "plainUsername"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "plainPassword"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "curveServer"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "curvePublicKey"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "curveSecretKey"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "curveServerKey"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "zapDomain"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "zapEnforceDomain"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wssCertPem"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wssKeyPem"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wssTrustPem"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wssHostname"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wssTrustSystem"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wsAllowedOrigins"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wsAllowedHosts"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "wsToken"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "w" },
  OptionRow & { readonly name: "wsMessageTimeout"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "sendHighWaterBytes"; readonly kind: "int32"; readonly on: typeof WRITABLE; readonly access: "rw" },
  OptionRow & { readonly name: "maxConnections"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "rw" },
  OptionRow & { readonly name: "type"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "r" },
  OptionRow & { readonly name: "lastEndpoint"; readonly kind: "string"; readonly on: typeof ALL_SOCKETS; readonly access: "r" },
  OptionRow & { readonly name: "securityMechanism"; readonly kind: "int32"; readonly on: typeof ALL_SOCKETS; readonly access: "r" },
  OptionRow & { readonly name: "threadSafe"; readonly kind: "bool"; readonly on: typeof ALL_SOCKETS; readonly access: "r" },
];

/**
 * Every settable socket option, as the property that sockets of the types that have it carry,
 * with its description. Each socket class has those of its type (OptionProperties), and its
 * constructor takes the same names (OptionValues). Generated from the option table.
 */
export interface AllOptionProperties {
  /**
   * Messages queued per peer before sending blocks or drops; 0 = no limit.
   * Default: `1000`. Option number 23, for getInt32Option and setInt32Option.
   */
  sendHighWaterMark: number;
  /**
   * ms a send may wait for room; -1 = forever, 0 = fail at once with EAGAIN.
   * Default: `-1`. Option number 28, for getInt32Option and setInt32Option.
   */
  sendTimeout: number;
  /**
   * Kernel send buffer size; -1 = the OS default. Kept and read back, but it has no effect here.
   * Default: `-1`. Option number 11, for getInt32Option and setInt32Option.
   */
  sendBufferSize: number;
  /**
   * Multicast TTL (pgm). Kept and read back, but it has no effect here.
   * Default: `1`. Option number 25, for getInt32Option and setInt32Option.
   */
  multicastHops: number;
  /**
   * Messages queued per peer before reading from it stops; 0 = no limit.
   * Default: `1000`. Option number 24, for getInt32Option and setInt32Option.
   */
  receiveHighWaterMark: number;
  /**
   * ms a receive may wait; -1 = forever.
   * Default: `-1`. Option number 27, for getInt32Option and setInt32Option.
   */
  receiveTimeout: number;
  /**
   * Kernel receive buffer size; -1 = the OS default. Kept and read back, but it has no effect here.
   * Default: `-1`. Option number 12, for getInt32Option and setInt32Option.
   */
  receiveBufferSize: number;
  /**
   * ms to flush queued messages after close(); -1 = until sent, 0 = drop. 0 when the context is not blocky.
   * Default: `-1`. Option number 17, for getInt32Option and setInt32Option.
   */
  linger: number;
  /**
   * ms before reconnecting; -1 = never reconnect.
   * Default: `100`. Option number 18, for getInt32Option and setInt32Option.
   */
  reconnectInterval: number;
  /**
   * Upper bound of the exponential reconnect backoff, ms; 0 = no backoff.
   * Default: `0`. Option number 21, for getInt32Option and setInt32Option.
   */
  reconnectMaxInterval: number;
  /**
   * ms a TCP connection attempt may take; 0 = the OS default.
   * Default: `0`. Option number 79, for getInt32Option and setInt32Option.
   */
  connectTimeout: number;
  /**
   * ms allowed for the ZMTP greeting and handshake; 0 = unbounded.
   * Default: `30000`. Option number 66, for getInt32Option and setInt32Option.
   */
  handshakeInterval: number;
  /**
   * ms between PINGs; 0 = none.
   * Default: `0`. Option number 75, for getInt32Option and setInt32Option.
   */
  heartbeatInterval: number;
  /**
   * ms of silence after a PING before the peer is dropped; -1 = heartbeatInterval.
   * Default: `-1`. Option number 77, for getInt32Option and setInt32Option.
   */
  heartbeatTimeout: number;
  /**
   * TTL announced in PINGs, ms (tenths of a second on the wire).
   * Default: `0`. Option number 76, for getInt32Option and setInt32Option.
   */
  heartbeatTimeToLive: number;
  /**
   * Queue messages only to peers whose handshake is complete.
   * Default: `false`. Option number 39, for getBoolOption and setBoolOption.
   */
  immediate: boolean;
  /**
   * Largest message accepted from a peer, octets; negative = no limit.
   * Default: `-1`. Option number 22, for getInt64Option and setInt64Option.
   */
  maxMessageSize: number;
  /**
   * Pending connections the OS keeps for a bound socket. Kept and read back, but it has no effect here.
   * Default: `100`. Option number 19, for getInt32Option and setInt32Option.
   */
  backlog: number;
  /**
   * Allow IPv6 on tcp:// endpoints (follows the context's ipv6). IPv6 addresses are always accepted here. Kept and read back, but it has no effect here.
   * Default: `false`. Option number 42, for getBoolOption and setBoolOption.
   */
  ipv6: boolean;
  /**
   * TCP keepalive: -1 = OS default, 0 = off, 1 = on.
   * Default: `-1`. Option number 34, for getInt32Option and setInt32Option.
   */
  tcpKeepalive: number;
  /**
   * TCP_KEEPCNT; -1 = OS default. Kept and read back, but it has no effect here.
   * Default: `-1`. Option number 35, for getInt32Option and setInt32Option.
   */
  tcpKeepaliveCount: number;
  /**
   * TCP_KEEPIDLE, seconds; -1 = OS default.
   * Default: `-1`. Option number 36, for getInt32Option and setInt32Option.
   */
  tcpKeepaliveIdle: number;
  /**
   * TCP_KEEPINTVL; -1 = OS default. Kept and read back, but it has no effect here.
   * Default: `-1`. Option number 37, for getInt32Option and setInt32Option.
   */
  tcpKeepaliveInterval: number;
  /**
   * Deprecated in libzmq: accept filter by address. Kept and read back, but it has no effect here. libzmq cannot read it back: reading it before it is set throws EINVAL.
   * Default: `null`. Option number 38, for getStringOption and setStringOption.
   */
  tcpAcceptFilter: string | null;
  /**
   * TCP_MAXRT (Windows). Kept and read back, but it has no effect here.
   * Default: `0`. Option number 80, for getInt32Option and setInt32Option.
   */
  tcpMaxRetransmitTimeout: number;
  /**
   * IP type of service of outgoing packets. Kept and read back, but it has no effect here.
   * Default: `0`. Option number 57, for getUint32Option and setUint32Option.
   */
  typeOfService: number;
  /**
   * SO_BINDTODEVICE. Kept and read back, but it has no effect here.
   * Default: `null`. Option number 92, for getStringOption and setStringOption.
   */
  interface: string | null;
  /**
   * SOCKS5 proxy for tcp:// connections. Kept and read back, but it has no effect here.
   * Default: `null`. Option number 68, for getStringOption and setStringOption.
   */
  socksProxy: string | null;
  /**
   * Windows loopback fast path. Kept and read back, but it has no effect here.
   * Default: `false`. Option number 94, for getBoolOption and setBoolOption.
   */
  loopbackFastPath: boolean;
  /**
   * I/O thread affinity (one event loop here). Kept and read back, but it has no effect here.
   * Default: `0`. Option number 4, for getUint64Option and setUint64Option.
   */
  affinity: number;
  /**
   * Multicast data rate, kbit/s (pgm). Kept and read back, but it has no effect here.
   * Default: `100`. Option number 8, for getInt32Option and setInt32Option.
   */
  rate: number;
  /**
   * Multicast recovery interval, ms (pgm). Kept and read back, but it has no effect here.
   * Default: `10000`. Option number 9, for getInt32Option and setInt32Option.
   */
  recoveryInterval: number;
  /**
   * Multicast TPDU size (pgm). Kept and read back, but it has no effect here.
   * Default: `1500`. Option number 84, for getInt32Option and setInt32Option.
   */
  multicastMaxTransportDataUnit: number;
  /**
   * VMCI transport (not in libzmq builds either). Kept and read back, but it has no effect here.
   * Default: `0`. Option number 85, for getUint64Option and setUint64Option.
   */
  vmciBufferSize: number;
  /**
   * VMCI transport. Kept and read back, but it has no effect here.
   * Default: `0`. Option number 86, for getUint64Option and setUint64Option.
   */
  vmciBufferMinSize: number;
  /**
   * VMCI transport. Kept and read back, but it has no effect here.
   * Default: `0`. Option number 87, for getUint64Option and setUint64Option.
   */
  vmciBufferMaxSize: number;
  /**
   * VMCI transport. Kept and read back, but it has no effect here.
   * Default: `-1`. Option number 88, for getInt32Option and setInt32Option.
   */
  vmciConnectTimeout: number;
  /**
   * Our identity, announced to ROUTER peers (1-255 octets, not starting with 0).
   * Default: `null`. Option number 5, for getStringOption and setStringOption.
   */
  routingId: string | null;
  /**
   * ROUTER, STREAM: the routing id of the peer at the next connect(). No property at run time (as in the native package): set it by its number.
   * Default: `null`. Option number 61, for getStringOption and setStringOption.
   */
  connectRoutingId: string | null;
  /**
   * ROUTER: fail with EHOSTUNREACH for unknown peers and block at the HWM instead of dropping. libzmq cannot read it back: reading it before it is set throws EINVAL.
   * Default: `false`. Option number 33, for getBoolOption and setBoolOption.
   */
  mandatory: boolean;
  /**
   * ROUTER: a new peer with a routing id in use takes it over. Write-only: reading the property gives undefined.
   * Default: `false`. Option number 56, for getBoolOption and setBoolOption.
   */
  handover: boolean;
  /**
   * Send an empty message to a ROUTER peer on connect. Write-only: reading the property gives undefined.
   * Default: `false`. Option number 51, for getBoolOption and setBoolOption.
   */
  probeRouter: boolean;
  /**
   * REQ: tag requests with an id and accept only the reply carrying it. Write-only: reading the property gives undefined.
   * Default: `false`. Option number 52, for getBoolOption and setBoolOption.
   */
  correlate: boolean;
  /**
   * REQ: allow a new request before the reply to the last one. Write-only: reading the property gives undefined.
   * Default: `false`. Option number 53, for getBoolOption and setBoolOption.
   */
  relaxed: boolean;
  /**
   * Keep only the last message in each queue. Write-only: reading the property gives undefined.
   * Default: `false`. Option number 54, for getBoolOption and setBoolOption.
   */
  conflate: boolean;
  /**
   * (X)PUB: block (or EAGAIN) at the high-water mark instead of dropping. Write-only: reading the property gives undefined.
   * Default: `false`. Option number 69, for getBoolOption and setBoolOption.
   */
  noDrop: boolean;
  /**
   * XPUB: subscriptions take effect only when the application sends them. Write-only: reading the property gives undefined.
   * Default: `false`. Option number 71, for getBoolOption and setBoolOption.
   */
  manual: boolean;
  /**
   * XPUB: a message sent to each new subscriber. Write-only: reading the property gives undefined.
   * Default: `null`. Option number 72, for getStringOption and setStringOption.
   */
  welcomeMessage: string | null;
  /**
   * (X)PUB/SUB: deliver messages that match no subscription.
   * Default: `false`. Option number 74, for getBoolOption and setBoolOption.
   */
  invertMatching: boolean;
  /**
   * STREAM: report connections and disconnections as empty messages. Write-only: reading the property gives undefined.
   * Default: `true`. Option number 73, for getBoolOption and setBoolOption.
   */
  notify: boolean;
  /**
   * Act as PLAIN server.
   * Default: `false`. Option number 44, for getBoolOption and setBoolOption.
   */
  plainServer: boolean;
  /**
   * PLAIN user name (makes this socket a PLAIN client).
   * Default: `null`. Option number 45, for getStringOption and setStringOption.
   */
  plainUsername: string | null;
  /**
   * PLAIN password.
   * Default: `null`. Option number 46, for getStringOption and setStringOption.
   */
  plainPassword: string | null;
  /**
   * Act as CURVE server.
   * Default: `false`. Option number 47, for getBoolOption and setBoolOption.
   */
  curveServer: boolean;
  /**
   * Our CURVE public key (Z85). libzmq cannot read it back: reading it before it is set throws EINVAL.
   * Default: `null`. Option number 48, for getStringOption and setStringOption.
   */
  curvePublicKey: string | null;
  /**
   * Our CURVE secret key (Z85). libzmq cannot read it back: reading it before it is set throws EINVAL.
   * Default: `null`. Option number 49, for getStringOption and setStringOption.
   */
  curveSecretKey: string | null;
  /**
   * The server's CURVE public key (Z85); makes this socket a CURVE client. libzmq cannot read it back: reading it before it is set throws EINVAL.
   * Default: `null`. Option number 50, for getStringOption and setStringOption.
   */
  curveServerKey: string | null;
  /**
   * ZAP domain of this socket.
   * Default: `null`. Option number 55, for getStringOption and setStringOption.
   */
  zapDomain: string | null;
  /**
   * CURVE and NULL servers refuse peers when no ZAP handler is bound (with no domain, CURVE skips ZAP).
   * Default: `false`. Option number 93, for getBoolOption and setBoolOption.
   */
  zapEnforceDomain: boolean;
  /**
   * wss:// server: its TLS certificate chain (PEM). Ours: not in the native package.
   * Default: `null`. Option number 104, for getStringOption and setStringOption.
   */
  wssCertPem: string | null;
  /**
   * wss:// server: its TLS private key (PEM). Ours: not in the native package. libzmq cannot read it back: reading it before it is set throws EINVAL.
   * Default: `null`. Option number 103, for getStringOption and setStringOption.
   */
  wssKeyPem: string | null;
  /**
   * wss:// client: certificate authorities to trust (PEM). Ours: not in the native package.
   * Default: `null`. Option number 105, for getStringOption and setStringOption.
   */
  wssTrustPem: string | null;
  /**
   * wss:// client: the name the server's certificate must bear (default: the endpoint's host). Ours: not in the native package.
   * Default: `null`. Option number 106, for getStringOption and setStringOption.
   */
  wssHostname: string | null;
  /**
   * wss:// client: trust the system's certificate authorities too. Ours: not in the native package.
   * Default: `true`. Option number 107, for getBoolOption and setBoolOption.
   */
  wssTrustSystem: boolean;
  /**
   * ws:// and wss:// binds: the origins (scheme://host[:port]) whose web pages may connect, separated by spaces or commas; "*" for any page. Default: none (403). Clients that send no Origin (every ZeroMQ library) are not concerned. Ours: not in the native package.
   * Option number 20001, for getStringOption and setStringOption.
   */
  wsAllowedOrigins: string | null;
  /**
   * ws:// and wss:// binds: the host names a request's Host header may carry (against DNS rebinding), separated by spaces or commas. Default: any. Ours: not in the native package.
   * Option number 20002, for getStringOption and setStringOption.
   */
  wsAllowedHosts: string | null;
  /**
   * ws:// and wss:// binds: a secret every connection must present (`?token=` in its URL, or an `Authorization: token` header); 401/403 otherwise. Default: none. Ours: not in the native package. Write-only: reading the property gives undefined.
   * Option number 20003, for getStringOption and setStringOption.
   */
  wsToken: string | null;
  /**
   * ws:// and wss:// binds: ms a peer may take to finish a message it has begun (a partial frame or fragments), then it is dropped (close code 1008); 0 = no limit. Ours: not in the native package.
   * Default: `0`. Option number 20004, for getInt32Option and setInt32Option.
   */
  wsMessageTimeout: number;
  /**
   * Octets queued per peer before sending blocks or drops, as sendHighWaterMark counts messages; 0 = no limit. From half of it, the socket stops reading from that peer until a quarter is left: a peer that sends requests and does not read the replies holds at most this much. Set it on one side of a link (the server's): two peers that both stop reading each other while both send wait for each other until a heartbeat timeout. Ours: not in the native package.
   * Default: `0`. Option number 20005, for getInt32Option and setInt32Option.
   */
  sendHighWaterBytes: number;
  /**
   * Connections one bind accepts at once (tcp://, ipc://, and each ws:// route); past it a new one is closed at once. 0 = no limit, as in libzmq. Ours: not in the native package.
   * Default: `0`. Option number 20006, for getInt32Option and setInt32Option.
   */
  maxConnections: number;
}

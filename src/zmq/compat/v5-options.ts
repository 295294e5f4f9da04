/**
 * libzmq's socket option numbers (zmq.h) under the names the v5 API used, each with the kind of
 * value it takes, and the v5 short names (`socket.identity`, `socket.linger`).
 */
export interface LongOption {
  id: number;
  kind: "int" | "bool" | "string";
}

/**
 * libzmq's option numbers by their zmq.h names, with the kind of value each takes: the table
 * behind the v5 socket's getsockopt() and setsockopt(), which picks the low-level accessor by
 * `kind`. Programs use the ZMQ_* constants (the same numbers) or `options`.
 * @ignore @internal
 */
export const LONG_OPTIONS = {
  ZMQ_AFFINITY: { id: 4, kind: "int" },
  ZMQ_IDENTITY: { id: 5, kind: "string" },
  ZMQ_SUBSCRIBE: { id: 6, kind: "string" },
  ZMQ_UNSUBSCRIBE: { id: 7, kind: "string" },
  ZMQ_RATE: { id: 8, kind: "int" },
  ZMQ_RECOVERY_IVL: { id: 9, kind: "int" },
  ZMQ_SNDBUF: { id: 11, kind: "int" },
  ZMQ_RCVBUF: { id: 12, kind: "int" },
  ZMQ_TYPE: { id: 16, kind: "int" },
  ZMQ_LINGER: { id: 17, kind: "int" },
  ZMQ_RECONNECT_IVL: { id: 18, kind: "int" },
  ZMQ_BACKLOG: { id: 19, kind: "int" },
  ZMQ_RECONNECT_IVL_MAX: { id: 21, kind: "int" },
  ZMQ_MAXMSGSIZE: { id: 22, kind: "int" },
  ZMQ_SNDHWM: { id: 23, kind: "int" },
  ZMQ_RCVHWM: { id: 24, kind: "int" },
  ZMQ_MULTICAST_HOPS: { id: 25, kind: "int" },
  ZMQ_RCVTIMEO: { id: 27, kind: "int" },
  ZMQ_SNDTIMEO: { id: 28, kind: "int" },
  ZMQ_LAST_ENDPOINT: { id: 32, kind: "string" },
  ZMQ_ROUTER_MANDATORY: { id: 33, kind: "bool" },
  ZMQ_TCP_KEEPALIVE: { id: 34, kind: "int" },
  ZMQ_TCP_KEEPALIVE_CNT: { id: 35, kind: "int" },
  ZMQ_TCP_KEEPALIVE_IDLE: { id: 36, kind: "int" },
  ZMQ_TCP_KEEPALIVE_INTVL: { id: 37, kind: "int" },
  ZMQ_TCP_ACCEPT_FILTER: { id: 38, kind: "string" },
  ZMQ_DELAY_ATTACH_ON_CONNECT: { id: 39, kind: "bool" },
  ZMQ_XPUB_VERBOSE: { id: 40, kind: "bool" },
  ZMQ_IPV6: { id: 42, kind: "bool" },
  ZMQ_MECHANISM: { id: 43, kind: "int" },
  ZMQ_PLAIN_SERVER: { id: 44, kind: "bool" },
  ZMQ_PLAIN_USERNAME: { id: 45, kind: "string" },
  ZMQ_PLAIN_PASSWORD: { id: 46, kind: "string" },
  ZMQ_CURVE_SERVER: { id: 47, kind: "bool" },
  ZMQ_CURVE_PUBLICKEY: { id: 48, kind: "string" },
  ZMQ_CURVE_SECRETKEY: { id: 49, kind: "string" },
  ZMQ_CURVE_SERVERKEY: { id: 50, kind: "string" },
  ZMQ_ZAP_DOMAIN: { id: 55, kind: "string" },
  ZMQ_ROUTER_HANDOVER: { id: 56, kind: "bool" },
  ZMQ_HEARTBEAT_IVL: { id: 75, kind: "int" },
  ZMQ_HEARTBEAT_TTL: { id: 76, kind: "int" },
  ZMQ_HEARTBEAT_TIMEOUT: { id: 77, kind: "int" },
  ZMQ_CONNECT_TIMEOUT: { id: 79, kind: "int" },
} as const;

/** The v5 API's short option names (`identity`, `linger`...) and the numbers they stand for. */
export const SHORT_OPTIONS = {
  /** ZMQ_SUBSCRIBE: a SUB receives the messages starting with this prefix (write-only; as `subscribe()`). */
  _subscribe: 6,
  /** ZMQ_UNSUBSCRIBE: cancels the subscription to this prefix (write-only; as `unsubscribe()`). */
  _unsubscribe: 7,
  /** ZMQ_AFFINITY: I/O thread affinity (one event loop here, so it is only kept and read back). */
  affinity: 4,
  /** ZMQ_BACKLOG: pending connections the OS keeps for a bound socket (kept and read back, no effect here). */
  backlog: 19,
  /** ZMQ_IDENTITY (v6: routingId): our identity, announced to ROUTER peers (1-255 octets, not starting with 0). */
  identity: 5,
  /** ZMQ_LINGER: ms to flush queued messages after close(); -1 = until sent, 0 = drop. */
  linger: 17,
  /** ZMQ_RATE: multicast data rate, kbit/s (pgm; kept and read back, no effect here). */
  rate: 8,
  /** ZMQ_RCVBUF: kernel receive buffer size; -1 = the OS default (kept and read back, no effect here). */
  rcvbuf: 12,
  /** ZMQ_LAST_ENDPOINT: the last endpoint bound, with the port the OS chose (read-only). */
  last_endpoint: 32,
  /** ZMQ_RECONNECT_IVL: ms before reconnecting; -1 = never reconnect. */
  reconnect_ivl: 18,
  /** ZMQ_RECOVERY_IVL: multicast recovery interval, ms (pgm; kept and read back, no effect here). */
  recovery_ivl: 9,
  /** ZMQ_SNDBUF: kernel send buffer size; -1 = the OS default (kept and read back, no effect here). */
  sndbuf: 11,
  /** ZMQ_MECHANISM: the security mechanism in use, 0 NULL, 1 PLAIN, 2 CURVE, 3 GSSAPI (read-only). */
  mechanism: 43,
  /** ZMQ_PLAIN_SERVER: act as PLAIN server. */
  plain_server: 44,
  /** ZMQ_PLAIN_USERNAME: PLAIN user name (makes this socket a PLAIN client). */
  plain_username: 45,
  /** ZMQ_PLAIN_PASSWORD: PLAIN password. */
  plain_password: 46,
  /** ZMQ_CURVE_SERVER: act as CURVE server. */
  curve_server: 47,
  /** ZMQ_CURVE_PUBLICKEY: our CURVE public key (Z85). */
  curve_publickey: 48,
  /** ZMQ_CURVE_SECRETKEY: our CURVE secret key (Z85). */
  curve_secretkey: 49,
  /** ZMQ_CURVE_SERVERKEY: the server's CURVE public key (Z85); makes this socket a CURVE client. */
  curve_serverkey: 50,
  /** ZMQ_ZAP_DOMAIN: ZAP domain of this socket. */
  zap_domain: 55,
  /** ZMQ_HEARTBEAT_IVL: ms between PINGs; 0 = none. */
  heartbeat_ivl: 75,
  /** ZMQ_HEARTBEAT_TTL: TTL announced in PINGs, ms (tenths of a second on the wire). */
  heartbeat_ttl: 76,
  /** ZMQ_HEARTBEAT_TIMEOUT: ms of silence after a PING before the peer is dropped; -1 = heartbeat_ivl. */
  heartbeat_timeout: 77,
  /** ZMQ_CONNECT_TIMEOUT: ms a TCP connection attempt may take; 0 = the OS default. */
  connect_timeout: 79,
} as const;

/**
 * libzmq's socket option numbers (zmq.h) under the names the v5 API used, each with the kind of
 * value it takes, and the v5 short names (`socket.identity`, `socket.linger`).
 */
export interface LongOption {
  id: number;
  kind: "int" | "bool" | "string";
}

const option = (id: number, kind: LongOption["kind"] = "int"): LongOption => ({ id, kind });

export const LONG_OPTIONS = {
  ZMQ_AFFINITY: option(4),
  ZMQ_IDENTITY: option(5, "string"),
  ZMQ_SUBSCRIBE: option(6, "string"),
  ZMQ_UNSUBSCRIBE: option(7, "string"),
  ZMQ_RATE: option(8),
  ZMQ_RECOVERY_IVL: option(9),
  ZMQ_SNDBUF: option(11),
  ZMQ_RCVBUF: option(12),
  ZMQ_TYPE: option(16),
  ZMQ_LINGER: option(17),
  ZMQ_RECONNECT_IVL: option(18),
  ZMQ_BACKLOG: option(19),
  ZMQ_RECONNECT_IVL_MAX: option(21),
  ZMQ_MAXMSGSIZE: option(22),
  ZMQ_SNDHWM: option(23),
  ZMQ_RCVHWM: option(24),
  ZMQ_MULTICAST_HOPS: option(25),
  ZMQ_RCVTIMEO: option(27),
  ZMQ_SNDTIMEO: option(28),
  ZMQ_LAST_ENDPOINT: option(32, "string"),
  ZMQ_ROUTER_MANDATORY: option(33, "bool"),
  ZMQ_TCP_KEEPALIVE: option(34),
  ZMQ_TCP_KEEPALIVE_CNT: option(35),
  ZMQ_TCP_KEEPALIVE_IDLE: option(36),
  ZMQ_TCP_KEEPALIVE_INTVL: option(37),
  ZMQ_TCP_ACCEPT_FILTER: option(38, "string"),
  ZMQ_DELAY_ATTACH_ON_CONNECT: option(39, "bool"),
  ZMQ_XPUB_VERBOSE: option(40, "bool"),
  ZMQ_IPV6: option(42, "bool"),
  ZMQ_MECHANISM: option(43),
  ZMQ_PLAIN_SERVER: option(44, "bool"),
  ZMQ_PLAIN_USERNAME: option(45, "string"),
  ZMQ_PLAIN_PASSWORD: option(46, "string"),
  ZMQ_CURVE_SERVER: option(47, "bool"),
  ZMQ_CURVE_PUBLICKEY: option(48, "string"),
  ZMQ_CURVE_SECRETKEY: option(49, "string"),
  ZMQ_CURVE_SERVERKEY: option(50, "string"),
  ZMQ_ZAP_DOMAIN: option(55, "string"),
  ZMQ_ROUTER_HANDOVER: option(56, "bool"),
  ZMQ_HEARTBEAT_IVL: option(75),
  ZMQ_HEARTBEAT_TTL: option(76),
  ZMQ_HEARTBEAT_TIMEOUT: option(77),
  ZMQ_CONNECT_TIMEOUT: option(79),
} as const;

export const SHORT_OPTIONS = {
  _subscribe: 6,
  _unsubscribe: 7,
  affinity: 4,
  backlog: 19,
  identity: 5,
  linger: 17,
  rate: 8,
  rcvbuf: 12,
  last_endpoint: 32,
  reconnect_ivl: 18,
  recovery_ivl: 9,
  sndbuf: 11,
  mechanism: 43,
  plain_server: 44,
  plain_username: 45,
  plain_password: 46,
  curve_server: 47,
  curve_publickey: 48,
  curve_secretkey: 49,
  curve_serverkey: 50,
  zap_domain: 55,
  heartbeat_ivl: 75,
  heartbeat_ttl: 76,
  heartbeat_timeout: 77,
  connect_timeout: 79,
} as const;

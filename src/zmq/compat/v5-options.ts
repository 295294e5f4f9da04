/**
 * libzmq's socket option numbers (zmq.h) under the names the v5 API used, each with the kind of
 * value it takes, and the v5 short names (`socket.identity`, `socket.linger`).
 */
export interface LongOption {
  id: number;
  kind: "int" | "bool" | "string";
}

/** libzmq's option numbers by their zmq.h names, with the kind of value each takes (the v5 API's table). */
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

// libzmq's constants (zmq.h) as the v5 API exported them: option numbers, socket types, flags.

/** libzmq's ZMQ_AFFINITY (4), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_AFFINITY = 4;
/** libzmq's ZMQ_IDENTITY (5), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_IDENTITY = 5;
/** libzmq's ZMQ_SUBSCRIBE (6), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_SUBSCRIBE = 6;
/** libzmq's ZMQ_UNSUBSCRIBE (7), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_UNSUBSCRIBE = 7;
/** libzmq's ZMQ_RATE (8), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RATE = 8;
/** libzmq's ZMQ_RECOVERY_IVL (9), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RECOVERY_IVL = 9;
/** libzmq's ZMQ_RECOVERY_IVL_MSEC (9), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RECOVERY_IVL_MSEC = 9;
/** libzmq's ZMQ_SNDBUF (11), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_SNDBUF = 11;
/** libzmq's ZMQ_RCVBUF (12), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RCVBUF = 12;
/** libzmq's ZMQ_RCVMORE (13), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RCVMORE = 13;
/** libzmq's ZMQ_FD (14), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_FD = 14;
/** libzmq's ZMQ_EVENTS (15), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_EVENTS = 15;
/** libzmq's ZMQ_TYPE (16), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_TYPE = 16;
/** libzmq's ZMQ_LINGER (17), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_LINGER = 17;
/** libzmq's ZMQ_RECONNECT_IVL (18), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RECONNECT_IVL = 18;
/** libzmq's ZMQ_BACKLOG (19), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_BACKLOG = 19;
/** libzmq's ZMQ_RECONNECT_IVL_MAX (21), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RECONNECT_IVL_MAX = 21;
/** libzmq's ZMQ_MAXMSGSIZE (22), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_MAXMSGSIZE = 22;
/** libzmq's ZMQ_SNDHWM (23), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_SNDHWM = 23;
/** libzmq's ZMQ_RCVHWM (24), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RCVHWM = 24;
/** libzmq's ZMQ_MULTICAST_HOPS (25), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_MULTICAST_HOPS = 25;
/** libzmq's ZMQ_RCVTIMEO (27), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_RCVTIMEO = 27;
/** libzmq's ZMQ_SNDTIMEO (28), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_SNDTIMEO = 28;
/** libzmq's ZMQ_IPV4ONLY (31), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_IPV4ONLY = 31;
/** libzmq's ZMQ_LAST_ENDPOINT (32), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_LAST_ENDPOINT = 32;
/** libzmq's ZMQ_ROUTER_MANDATORY (33), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_ROUTER_MANDATORY = 33;
/** libzmq's ZMQ_TCP_KEEPALIVE (34), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_TCP_KEEPALIVE = 34;
/** libzmq's ZMQ_TCP_KEEPALIVE_CNT (35), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_TCP_KEEPALIVE_CNT = 35;
/** libzmq's ZMQ_TCP_KEEPALIVE_IDLE (36), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_TCP_KEEPALIVE_IDLE = 36;
/** libzmq's ZMQ_TCP_KEEPALIVE_INTVL (37), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_TCP_KEEPALIVE_INTVL = 37;
/** libzmq's ZMQ_TCP_ACCEPT_FILTER (38), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_TCP_ACCEPT_FILTER = 38;
/** libzmq's ZMQ_DELAY_ATTACH_ON_CONNECT (39), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_DELAY_ATTACH_ON_CONNECT = 39;
/** libzmq's ZMQ_XPUB_VERBOSE (40), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_XPUB_VERBOSE = 40;
/** libzmq's ZMQ_ROUTER_RAW (41), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_ROUTER_RAW = 41;
/** libzmq's ZMQ_IPV6 (42), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_IPV6 = 42;
/** libzmq's ZMQ_MECHANISM (43), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_MECHANISM = 43;
/** libzmq's ZMQ_PLAIN_SERVER (44), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_PLAIN_SERVER = 44;
/** libzmq's ZMQ_PLAIN_USERNAME (45), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_PLAIN_USERNAME = 45;
/** libzmq's ZMQ_PLAIN_PASSWORD (46), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_PLAIN_PASSWORD = 46;
/** libzmq's ZMQ_CURVE_SERVER (47), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_CURVE_SERVER = 47;
/** libzmq's ZMQ_CURVE_PUBLICKEY (48), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_CURVE_PUBLICKEY = 48;
/** libzmq's ZMQ_CURVE_SECRETKEY (49), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_CURVE_SECRETKEY = 49;
/** libzmq's ZMQ_CURVE_SERVERKEY (50), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_CURVE_SERVERKEY = 50;
/** libzmq's ZMQ_ZAP_DOMAIN (55), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_ZAP_DOMAIN = 55;
/** libzmq's ZMQ_ROUTER_HANDOVER (56), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_ROUTER_HANDOVER = 56;
/** libzmq's ZMQ_HEARTBEAT_IVL (75), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_HEARTBEAT_IVL = 75;
/** libzmq's ZMQ_HEARTBEAT_TTL (76), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_HEARTBEAT_TTL = 76;
/** libzmq's ZMQ_HEARTBEAT_TIMEOUT (77), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_HEARTBEAT_TIMEOUT = 77;
/** libzmq's ZMQ_CONNECT_TIMEOUT (79), a socket option number (`getsockopt`/`setsockopt`). */
export const ZMQ_CONNECT_TIMEOUT = 79;
/** libzmq's ZMQ_IO_THREADS (1), a context option number. */
export const ZMQ_IO_THREADS = 1;
/** libzmq's ZMQ_MAX_SOCKETS (2), a context option number. */
export const ZMQ_MAX_SOCKETS = 2;
/** Socket type PAIR: libzmq's ZMQ_PAIR (0). */
export const ZMQ_PAIR = 0;
/** Socket type PUB: libzmq's ZMQ_PUB (1). */
export const ZMQ_PUB = 1;
/** Socket type SUB: libzmq's ZMQ_SUB (2). */
export const ZMQ_SUB = 2;
/** Socket type REQ: libzmq's ZMQ_REQ (3). */
export const ZMQ_REQ = 3;
/** Socket type REP: libzmq's ZMQ_REP (4). */
export const ZMQ_REP = 4;
/** Socket type DEALER: libzmq's ZMQ_DEALER (5). */
export const ZMQ_DEALER = 5;
/** Socket type XREQ: libzmq's ZMQ_XREQ (5) (the old name of ZMQ_DEALER). */
export const ZMQ_XREQ = 5;
/** Socket type ROUTER: libzmq's ZMQ_ROUTER (6). */
export const ZMQ_ROUTER = 6;
/** Socket type XREP: libzmq's ZMQ_XREP (6) (the old name of ZMQ_ROUTER). */
export const ZMQ_XREP = 6;
/** Socket type PULL: libzmq's ZMQ_PULL (7). */
export const ZMQ_PULL = 7;
/** Socket type PUSH: libzmq's ZMQ_PUSH (8). */
export const ZMQ_PUSH = 8;
/** Socket type XPUB: libzmq's ZMQ_XPUB (9). */
export const ZMQ_XPUB = 9;
/** Socket type XSUB: libzmq's ZMQ_XSUB (10). */
export const ZMQ_XSUB = 10;
/** Socket type STREAM: libzmq's ZMQ_STREAM (11). */
export const ZMQ_STREAM = 11;
/** libzmq's ZMQ_POLLIN (1), event flag: readable. */
export const ZMQ_POLLIN = 1;
/** libzmq's ZMQ_POLLOUT (2), event flag: writable. */
export const ZMQ_POLLOUT = 2;
/** libzmq's ZMQ_POLLERR (4), event flag: error. */
export const ZMQ_POLLERR = 4;
/** libzmq's ZMQ_SNDMORE (2), send flag: more frames follow. */
export const ZMQ_SNDMORE = 2;
/** v5 capability flag ZMQ_CAN_MONITOR: true here, as in the native compat layer. */
export const ZMQ_CAN_MONITOR = 1;
/** v5 capability flag ZMQ_CAN_DISCONNECT: true here, as in the native compat layer. */
export const ZMQ_CAN_DISCONNECT = 1;
/** v5 capability flag ZMQ_CAN_UNBIND: true here, as in the native compat layer. */
export const ZMQ_CAN_UNBIND = 1;
/** v5 capability flag ZMQ_CAN_SET_CTX: true here, as in the native compat layer. */
export const ZMQ_CAN_SET_CTX = 1;
/** v5 socket state: ready for another operation. */
export const STATE_READY = 0;
/** v5 socket state: an operation is under way. */
export const STATE_BUSY = 1;
/** v5 socket state: closed. */
export const STATE_CLOSED = 2;

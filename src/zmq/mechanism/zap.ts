/**
 * ZAP (RFC 27): how a server-side mechanism asks the application whether to admit a peer. The
 * handler is whatever socket is bound at inproc://zeromq.zap.01 in the socket's context, as in libzmq;
 * the engine layer supplies the client (engine/zap-client.ts, over an inproc pipe).
 */
export interface ZapRequest {
  domain: string;
  /** The peer's IP address (or "" for other transports). */
  address: string;
  /** Our routing id. */
  identity: Uint8Array;
  mechanism: "PLAIN" | "CURVE" | "NULL";
  credentials: Uint8Array[];
}

export interface ZapReply {
  /** "200" admits; "300" temporary failure, "400" refused, "500" internal error. */
  statusCode: string;
  statusText: string;
  userId: string;
}

/**
 * Sends one request; undefined when no ZAP handler is bound (or a promise of undefined, when
 * that is known only later: a worker thread's first moments, see inproc.ts).
 */
export type ZapClient = (request: ZapRequest) => Promise<ZapReply | undefined> | undefined;

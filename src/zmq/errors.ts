/**
 * Every error the ZeroMQ layer raises or reports is a ZmqError with a code a caller can switch
 * on. Codes follow libzmq's errno names where one exists, so that code written against the
 * native `zeromq` package keeps working.
 */
export type ZmqErrorCode =
  | "EAGAIN" // would block: high-water mark reached, or timed out waiting
  | "EFSM" // operation not allowed in the socket's current state (REQ/REP alternation)
  | "ENOTSUP" // operation not supported by this socket type
  | "EHOSTUNREACH" // ROUTER (mandatory): no peer with that routing id
  | "ETERM" // the socket is closed
  | "EINVAL" // bad argument (endpoint, option value)
  | "EADDRINUSE" // bind: address already in use
  | "ENOENT" // unbind/disconnect: endpoint not bound/connected
  | "EPROTONOSUPPORT" // unknown transport
  | "EPROTO" // malformed ZMTP stream from the peer
  | "EMSGSIZE" // peer announced a frame larger than maxMessageSize
  | "ESOCKTNOSUPPORT" // peer's socket type is incompatible with ours
  | "EMECHANISM" // security mechanism mismatch or refusal (ERROR command)
  | "EVERSION" // peer speaks a ZMTP version we cannot talk to
  | "ETIMEDOUT" // heartbeat timeout
  | "ECONNRESET"; // transport-level failure

export class ZmqError extends Error {
  readonly code: ZmqErrorCode;
  constructor(code: ZmqErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ZmqError";
    this.code = code;
  }
}

/** Errors raised by a peer's bytes: they close that one connection and are reported as events. */
export class ProtocolError extends ZmqError {
  constructor(code: ZmqErrorCode, message: string) {
    super(code, message);
    this.name = "ProtocolError";
  }
}

import { constants } from "node:os";
import { isInstanceAcrossBuilds, markClass } from "../util/across-builds.js";

/**
 * Every error the ZeroMQ layer raises or reports is a ZmqError with a code a caller can switch
 * on. As in the native `zeromq` package, `code`, `errno` and `message` are libzmq's (the errno
 * of this platform), with `address` where an endpoint is concerned; `detail` says what exactly
 * was wrong, which libzmq's one-line messages do not.
 */
export type ZmqErrorCode =
  | "EAGAIN" // would block: high-water mark reached, or timed out waiting
  | "EFSM" // operation not allowed in the socket's current state (REQ/REP alternation)
  | "ENOTSUP" // operation not supported by this socket type
  | "EHOSTUNREACH" // ROUTER (mandatory): no peer with that routing id
  | "EBADF" // the socket is closed
  | "EBUSY" // a bind or unbind is in progress
  | "ETERM" // the context was terminated
  | "EINVAL" // bad argument (endpoint, option value)
  | "EADDRINUSE" // bind: address already in use
  | "EADDRNOTAVAIL" // bind: no such local address
  | "ENODEV" // bind: unknown interface or host name
  | "ENOENT" // unbind/disconnect: endpoint not bound/connected
  | "ENOTSOCK" // the events of a closed socket
  | "EACCES" // a peer not admitted (ZAP)
  | "EFAULT" // a PLAIN or CURVE server with no ZAP handler (libzmq's "Context is closed")
  | "EPROTONOSUPPORT" // unknown transport
  | "ENOCOMPATPROTO" // a transport this socket type cannot use (udp:// but for RADIO, DISH, DGRAM)
  | "EPROTO" // malformed ZMTP stream from the peer
  | "EMSGSIZE" // peer announced a frame larger than maxMessageSize
  | "ESOCKTNOSUPPORT" // peer's socket type is incompatible with ours
  | "EMECHANISM" // security mechanism mismatch or refusal (ERROR command)
  | "EVERSION" // peer speaks a ZMTP version we cannot talk to
  | "ETIMEDOUT" // heartbeat timeout
  | "ECONNRESET" // transport-level failure
  | "EPIPE"; // the peer ended the connection during the greeting or the handshake

/**
 * libzmq's classification of a handshake's protocol failure (ZMQ_PROTOCOL_ERROR_*), as the
 * native package names it in `handshake:error:protocol` events.
 */
export type ZmtpErrorCode =
  | "ERR_ZMTP_UNSPECIFIED"
  | "ERR_ZMTP_UNEXPECTED_COMMAND"
  | "ERR_ZMTP_INVALID_SEQUENCE"
  | "ERR_ZMTP_KEY_EXCHANGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"
  | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_HELLO"
  | "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"
  | "ERR_ZMTP_MALFORMED_COMMAND_ERROR"
  | "ERR_ZMTP_MALFORMED_COMMAND_READY"
  | "ERR_ZMTP_MALFORMED_COMMAND_WELCOME"
  | "ERR_ZMTP_INVALID_METADATA"
  | "ERR_ZMTP_CRYPTOGRAPHIC"
  | "ERR_ZMTP_MECHANISM_MISMATCH"
  | "ERR_ZAP_UNSPECIFIED"
  | "ERR_ZAP_MALFORMED_REPLY"
  | "ERR_ZAP_BAD_REQUEST_ID"
  | "ERR_ZAP_BAD_VERSION"
  | "ERR_ZAP_INVALID_STATUS_CODE"
  | "ERR_ZAP_INVALID_METADATA";

/** libzmq's numbers for its own errors (ZMQ_HAUSNUMERO + n). */
const HAUSNUMERO = 156384712;
const ZMQ_ERRNO: Partial<Record<ZmqErrorCode, number>> = {
  EFSM: HAUSNUMERO + 51,
  ENOCOMPATPROTO: HAUSNUMERO + 52,
  ETERM: HAUSNUMERO + 53,
};

/** The native package's messages: libzmq's zmq_strerror(), with its own clarifications. */
const MESSAGES: Partial<Record<ZmqErrorCode, string>> = {
  EAGAIN: "Operation was not possible or timed out",
  EFSM: "Operation cannot be accomplished in current state",
  ENOTSUP: "Operation not supported",
  EHOSTUNREACH: "Host unreachable",
  EBADF: "Socket is closed",
  EBUSY: "Socket is busy",
  ETERM: "Context was terminated",
  EINVAL: "Invalid argument",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
  ENODEV: "No such device",
  ENOENT: "No such endpoint",
  ENOTSOCK: "Socket operation on non-socket",
  EACCES: "Permission denied",
  EFAULT: "Context is closed",
  EPROTONOSUPPORT: "Protocol not supported",
  ENOCOMPATPROTO: "The protocol is not compatible with the socket type",
  EMSGSIZE: "Message too long",
  ETIMEDOUT: "Connection timed out",
  ECONNRESET: "Connection reset by peer",
  EPIPE: "Broken pipe",
};

function errnoOf(code: ZmqErrorCode): number {
  const system = (constants?.errno as Record<string, number> | undefined)?.[code];
  return ZMQ_ERRNO[code] ?? system ?? 0;
}

/** What a ZmqError may carry beyond its code: the cause, the endpoint, libzmq's classification of a protocol error. */
export interface ZmqErrorOptions {
  /** The error that caused this one (the standard `cause`). */
  cause?: unknown;
  /** The endpoint concerned (bind, connect, unbind, disconnect). */
  address?: string;
  /** A message other than libzmq's for this code (the native package has a few). */
  message?: string;
  /** For a peer's protocol violation: libzmq's classification of it. */
  zmtp?: ZmtpErrorCode;
}

/**
 * An error of the ZeroMQ layer, as the native package's: `code` (`"EAGAIN"`, ...), `errno`,
 * and `address` for endpoint operations.
 */
export class ZmqError extends Error {
  /** Also true for the ZmqError (and subclasses) of the package's other build (ES modules, CommonJS). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about (a subclass too)
    return isInstanceAcrossBuilds(this, value);
  }

  /** The error's name as libzmq's errno names it: `"EAGAIN"`, `"EADDRINUSE"`... */
  readonly code: ZmqErrorCode;
  /** The errno for `code`: libzmq's own (156384712 + n) for EFSM, ENOCOMPATPROTO and ETERM, else the system's; 0 if none. */
  readonly errno: number;
  /** The endpoint concerned, for bind, connect, unbind and disconnect. */
  readonly address?: string;
  /** What exactly went wrong, beyond libzmq's message. */
  readonly detail?: string;
  /** For a peer's protocol violation: libzmq's classification (what a handshake event reports). */
  readonly zmtp?: ZmtpErrorCode;

  /** The message is the native package's for `code` ("Operation was not possible or timed out"), else `detail`. */
  constructor(code: ZmqErrorCode, detail?: string, options: ZmqErrorOptions = {}) {
    super(options.message ?? MESSAGES[code] ?? detail ?? code, { cause: options.cause });
    this.name = "ZmqError";
    this.code = code;
    this.errno = errnoOf(code);
    if (options.address !== undefined) this.address = options.address;
    if (detail !== undefined && detail !== this.message) this.detail = detail;
    if (options.zmtp !== undefined) this.zmtp = options.zmtp;
  }
}

/**
 * A ZmqError whose message is `text` itself, not libzmq's words for the code: for errors of our
 * own API (files, certificates) where "Invalid argument" would say nothing.
 */
export function plainError(code: ZmqErrorCode, text: string): ZmqError {
  return new ZmqError(code, text, { message: text });
}

/**
 * A peer not admitted by the ZAP handler (or refused by a server's): the native package's
 * AuthError, with the ZAP status code (300 temporary, 400 refused, 500 internal error).
 */
export class AuthError extends ZmqError {
  /** The ZAP status: 300 temporary, 400 refused, 500 internal error (the native package's type). */
  readonly status: 300 | 400 | 500;
  /** The ZAP reply's status and text (the text becomes `detail`); a status other than 300 or 400 counts as 500. */
  constructor(status: number, text: string) {
    // The native package's message; the ZAP handler's status text is the detail.
    super("EACCES", text || `ZAP status ${status}`, { message: "Authentication failure" });
    this.name = "AuthError";
    this.status = status === 300 || status === 400 ? status : 500;
  }
}

/**
 * Errors raised by a peer's bytes: they close that one connection and are reported as events.
 * They have no libzmq message, so theirs says what the peer did.
 */
export class ProtocolError extends ZmqError {
  /** `message` says what the peer did; `zmtp` is libzmq's classification of it. */
  constructor(code: ZmqErrorCode, message: string, zmtp: ZmtpErrorCode = "ERR_ZMTP_UNSPECIFIED") {
    super(code, message, { message, zmtp });
    this.name = "ProtocolError";
  }
}

/**
 * What a connection closes with when reading the peer's bytes, or a handshake step, throws: a
 * ZmqError as it is. Anything else thrown there (a plain Error or TypeError from a decoder or a
 * mechanism) came of what the peer sent, so it is reported as the peer's protocol error rather
 * than escaping from a carrier's callback.
 */
export function asZmqError(e: unknown): ZmqError {
  return e instanceof ZmqError ? e : new ProtocolError("EPROTO", String(e));
}

/**
 * A handshake that failed on the protocol, as a `handshake:error:protocol` event reports it: the
 * native package's ProtoError, libzmq's code and its one-line message ("ZMTP protocol error"),
 * with what exactly happened as `detail`.
 */
export class ZmtpProtocolError extends Error {
  /** Also true for the class of the package's other build (ES modules, CommonJS). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about (a subclass too)
    return isInstanceAcrossBuilds(this, value);
  }

  /** libzmq's code for the violation: `"ERR_ZMTP_UNEXPECTED_COMMAND"`, `"ERR_ZAP_MALFORMED_REPLY"`... */
  readonly code: ZmtpErrorCode;
  /** What exactly happened. */
  readonly detail?: string;
  /** The message is libzmq's one line for the code's family (ZMTP or ZAP). */
  constructor(code: ZmtpErrorCode, detail?: string) {
    super(code.startsWith("ERR_ZAP") ? "ZAP protocol error" : "ZMTP protocol error");
    this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/** `message` and, when there is one, `detail`: for people reading a log or a terminal. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const detail = (e as { detail?: unknown }).detail;
  return typeof detail === "string" ? `${e.message}: ${detail}` : e.message;
}

markClass(ZmqError);
markClass(ZmtpProtocolError);

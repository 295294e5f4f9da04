import { RpcError } from "../common/errors.js";

export { RpcError, RpcTimeoutError } from "../common/errors.js";

/** The remote method (or property access) failed; carries the remote message and traceback. */
export class RemoteError extends RpcError {
  /** The server's error message (for a Python server, the exception's text). */
  readonly remoteError: string;
  /** The server's traceback ("" when it sent none). */
  readonly traceback: string;
  /** `what` names the call in the message: `method foo`, `get bar`... */
  constructor(remoteError: string, traceback: string, what: string) {
    super(`${what} failed on the server: ${remoteError}`);
    this.name = "RemoteError";
    this.remoteError = remoteError;
    this.traceback = traceback;
  }

  /** From a failure reply: `{ success: false, error, traceback }` (or a buffer reply's `error`). */
  static fromReply(reply: unknown, what: string): RemoteError {
    const { error, traceback } = (typeof reply === "object" && reply !== null ? reply : {}) as Record<string, unknown>;
    return new RemoteError(asText(error), asText(traceback ?? ""), what);
  }
}

/** A reply's field as text; String() throws on an object whose toString and valueOf are not functions. */
function asText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The connection to the device was lost while a call waited for its reply: that reply can no
 * longer come, so the call fails at once rather than at its timeout. The device may or may not
 * have run it.
 */
export class ConnectionLostError extends RpcError {
  /** `what` names the call, `url` the device (shown without a token's value). */
  constructor(what: string, url: string) {
    super(`${what} on ${url}: the connection to the device was lost before the reply came`);
    this.name = "ConnectionLostError";
  }
}

/**
 * The device refused this client during the handshake (CURVE: its public key is not among those
 * the device admits, `allowKeys`): calls fail at once rather than at their timeout.
 */
export class NotAdmittedError extends RpcError {
  /** The ZAP status the device gave: 400 refused, 300 try again later, 500 its authenticator failed. */
  readonly status: number;
  /** `what` names the call, `url` the device, `status` the ZAP status it gave. */
  constructor(what: string, url: string, status: number) {
    const why =
      status === 400
        ? "this client's key is not among those it admits"
        : status === 300
          ? "try again later"
          : "its authenticator failed";
    super(`${what} on ${url}: the device refused this client (ZAP status ${status}: ${why})`);
    this.name = "NotAdmittedError";
    this.status = status;
  }
}

/**
 * What the reference's client returns on a remote failure: falsy in spirit, so `ok` is false,
 * with the remote error and traceback.
 */
export class NoResult {
  /** Always false: the call failed. */
  readonly ok = false as const;
  /** The remote error's message and traceback, as RemoteError has them. */
  constructor(
    /** The server's error message (for a Python server, the exception's text). */
    readonly error: string,
    /** The server's traceback ("" when it sent none). */
    readonly traceback: string,
  ) {}

  /** The reference's text for it: `NoResult(error)`. */
  toString(): string {
    return `NoResult(${this.error})`;
  }
}

import { isInstanceAcrossBuilds, markClass } from "../util/across-builds.js";

/** Base class of plantrpc's own errors above the ZeroMQ layer (RPC, registry). */
export class RpcError extends Error {
  /** Also true for the RpcError (and subclasses) of the package's other build (ES modules, CommonJS). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about (a subclass too)
    return isInstanceAcrossBuilds(this, value);
  }

  /** As Error's constructor: the message, and optionally the error that caused it. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RpcError";
  }
}

/** No reply within the allowed time. */
export class RpcTimeoutError extends RpcError {
  /** The time allowed, ms. */
  readonly timeout: number;
  /** Why nothing came, where the client knows (no connection completed its handshake). */
  readonly reason?: string;
  /**
   * `what` names the request (`method foo`...), `timeout` the ms it was allowed; `reason`, when
   * given, is added to the message.
   */
  constructor(what: string, timeout: number, reason?: string) {
    super(`${what}: no reply within ${timeout} ms${reason ? `: ${reason}` : ""}`);
    this.name = "RpcTimeoutError";
    this.timeout = timeout;
    if (reason !== undefined) this.reason = reason;
  }
}

markClass(RpcError);

/** Base class of the RPC layer's own errors. */
export class RpcError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RpcError";
  }
}

/** The remote method (or property access) failed; carries the remote message and traceback. */
export class RemoteError extends RpcError {
  readonly remoteError: string;
  readonly traceback: string;
  constructor(remoteError: string, traceback: string, what: string) {
    super(`${what} failed on the server: ${remoteError}`);
    this.name = "RemoteError";
    this.remoteError = remoteError;
    this.traceback = traceback;
  }
}

/** No reply within the allowed time. */
export class RpcTimeoutError extends RpcError {
  readonly timeout: number;
  constructor(what: string, timeout: number) {
    super(`${what}: no reply within ${timeout} ms`);
    this.name = "RpcTimeoutError";
    this.timeout = timeout;
  }
}

/**
 * What the reference's client returns on a remote failure: falsy in spirit, so `ok` is false,
 * with the remote error and traceback.
 */
export class NoResult {
  readonly ok = false as const;
  constructor(
    readonly error: string,
    readonly traceback: string,
  ) {}

  toString(): string {
    return `NoResult(${this.error})`;
  }
}

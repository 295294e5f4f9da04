/** Base class of plantrpc's own errors above the ZeroMQ layer (RPC, registry). */
export class RpcError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RpcError";
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

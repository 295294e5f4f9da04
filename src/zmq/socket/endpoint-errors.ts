/**
 * Endpoint rules of the socket's endpoint operations: which binds are wildcards, and errors that
 * name the endpoint they concern, as libzmq's do (the native package's `address`).
 */
import { ZmqError } from "../errors.js";

/** A bind that lets the OS choose the port or path (`:*`, `:0`, `ipc://*`). */
export function isWildcard(endpoint: string): boolean {
  return /:(\*|0)$/.test(endpoint) || endpoint === "ipc://*";
}

/** Runs a parse step; its EINVAL or EPROTONOSUPPORT names the endpoint, as libzmq's do. */
export function withAddress<T>(endpoint: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw addressed(e, endpoint);
  }
}

/** withAddress for an asynchronous step (a bind). */
export async function withAddressAsync<T>(endpoint: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    throw addressed(e, endpoint);
  }
}

function addressed(e: unknown, endpoint: string): unknown {
  if (!(e instanceof ZmqError) || e.address !== undefined) return e;
  return new ZmqError(e.code, e.detail ?? e.message, { address: endpoint, cause: e.cause });
}

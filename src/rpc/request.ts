import type { Buffer } from "node:buffer";
import { decodeBody, encodeBody, EncodeError, type Encoding } from "../common/codec.js";

/** A request that cannot be served; answered with a failure reply (no traceback). */
export class BadRequest extends Error {}

export function stringField(request: Record<string, unknown>, key: string): string {
  const value = request[key];
  if (typeof value !== "string") throw new BadRequest(`request needs a string "${key}"`);
  return value;
}

/**
 * Turns `params: {args, kwargs}` into positional arguments, using the declared names. More
 * positional arguments than the method takes (`arity`, when known) are refused with Python's
 * words, as a Python device refuses them, instead of being dropped.
 */
export function bindArguments(
  method: string,
  names: readonly string[] | undefined,
  params: unknown,
  arity?: number,
): unknown[] {
  if (params === undefined || params === null) return [];
  if (typeof params !== "object" || Array.isArray(params)) throw new BadRequest('"params" must be an object');
  const { args = [], kwargs = {} } = params as { args?: unknown; kwargs?: unknown };
  if (!Array.isArray(args)) throw new BadRequest('"params.args" must be a list');
  if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) {
    throw new BadRequest('"params.kwargs" must be an object');
  }
  if (arity !== undefined && args.length > arity) {
    const takes = `${arity} positional argument${arity === 1 ? "" : "s"}`;
    throw new BadRequest(`${method}() takes ${takes} but ${args.length} ${args.length === 1 ? "was" : "were"} given`);
  }
  const bound = [...args];
  for (const [key, value] of Object.entries(kwargs)) {
    const index = names?.indexOf(key) ?? -1;
    if (index < 0) throw new BadRequest(`${method}() got an unexpected keyword argument '${key}'`);
    if (index < args.length) throw new BadRequest(`${method}() got multiple values for argument '${key}'`);
    bound[index] = value;
  }
  // Positions skipped by keywords stay undefined, as JavaScript defaults expect.
  return Array.from({ length: bound.length }, (_, i) => bound[i]);
}

export function checkBufferResult(method: string, result: unknown): [Uint8Array, object] {
  if (!Array.isArray(result) || result.length !== 2) {
    throw new BadRequest(`buffer method ${method} must return [bytes, info]`);
  }
  const [bytes, info] = result as [unknown, unknown];
  const data = bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : undefined;
  if (!data) throw new BadRequest(`buffer method ${method} returned no bytes (Uint8Array or ArrayBuffer)`);
  if (typeof info !== "object" || info === null || Array.isArray(info)) {
    throw new BadRequest(`buffer method ${method}: info must be an object`);
  }
  if ("error" in info) {
    // A client takes an "error" key in the first frame for a failure (protocol-spec/rpc.md §2).
    throw new BadRequest(`buffer method ${method}: info may not contain an "error" key`);
  }
  return [data, info];
}

export function encodeResult(value: unknown, encoding: Encoding): Buffer {
  try {
    return encodeBody(value, encoding);
  } catch (e) {
    if (e instanceof EncodeError) throw new BadRequest(`result is not serialisable: ${e.message}`);
    throw e;
  }
}

export async function readForCompare(p: { get: () => unknown }): Promise<{ key: string; value: unknown }> {
  try {
    const value = await p.get();
    return { key: JSON.stringify(value) ?? "undefined", value };
  } catch {
    return { key: `unreadable:${Math.random()}`, value: undefined };
  }
}

/** The reference's failure reply: success false, the message, and a traceback. */
export function failure(e: unknown): { success: false; error: string; traceback: string } {
  if (e instanceof BadRequest) return { success: false, error: e.message, traceback: "" };
  if (e instanceof Error) return { success: false, error: e.message, traceback: e.stack ?? "" };
  return { success: false, error: String(e), traceback: "" };
}

/**
 * How many positional arguments a function takes, when its source says so plainly: its
 * parameters, unless one has a default, is a rest parameter or destructures (then undefined:
 * any number is let through, as before). `params` given at registration take precedence.
 */
export function arityOf(fn: (...args: never[]) => unknown): number | undefined {
  const source = Function.prototype.toString.call(fn);
  if (/^(?:async\s+)?[A-Za-z_$][\w$]*\s*=>/.test(source)) return 1;
  const open = source.indexOf("(");
  if (open < 0) return undefined;
  const parameters = source.slice(open + 1, source.indexOf(")", open));
  return /[=.{[]/.test(parameters) ? undefined : fn.length;
}

/** The request's object; a BadRequest when the body is not an object with an `event`. */
export function parseRequest(body: Buffer, encoding: Encoding): Record<string, unknown> {
  let request: unknown;
  try {
    request = decodeBody(body, encoding);
  } catch (e) {
    throw new BadRequest(
      `request is not valid ${encoding === "json" ? "JSON" : "MessagePack"}: ${(e as Error).message}`,
    );
  }
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw new BadRequest("request must be an object");
  }
  if (typeof (request as { event?: unknown }).event !== "string") {
    throw new BadRequest('request has no "event"');
  }
  return request as Record<string, unknown>;
}

/** The request id a CANCEL or STREAM_CREDIT names (section 8.3); a BadRequest when it is none. */
export function requestId(request: Record<string, unknown>): number {
  const id = request.request;
  if (!(Number.isInteger(id) && (id as number) >= 0 && (id as number) <= 0xffff_ffff)) {
    throw new BadRequest(`${String(request.event)} needs "request": the request id of a call`);
  }
  return id as number;
}

/**
 * METHOD_CALL on the device: the arguments bound, the handler run (given a CallContext when it
 * asked for one), and the reply's frames; a stream method's items sent as they come
 * (protocol-spec/rpc.md, sections 2 and 8).
 */
import type { Buffer } from "node:buffer";
import { encodeBody, type Encoding } from "../common/codec.js";
import { type CallRequestOptions, KIND_FRAMES } from "./call-messages.js";
import { BadRequest, bindArguments, checkBufferResult, encodeResult } from "./request.js";
import { type CallContext, type CancellableCalls, callRoute } from "./server-calls.js";
import type { MethodEntry } from "./server-options.js";
import { runStream, StreamCredit, streamWindow } from "./server-stream.js";

/** What a call needs from its server. */
export interface CallHost {
  /** The calls that can be given up. */
  readonly calls: CancellableCalls;
  /** Sends frames to the caller, after its envelope; resolves once queued. */
  send(envelope: Buffer[], frames: Uint8Array[]): Promise<void>;
  /** A stream waits for credit (it is not counted among the calls being served meanwhile), then goes on. */
  readonly idle: { waiting(): void; going(): void };
}

/** The `plantrpc` options of a METHOD_CALL (section 8.2); a BadRequest when they are not an object. */
export function callOptions(request: Record<string, unknown>): CallRequestOptions {
  const options = request.plantrpc;
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new BadRequest('"plantrpc" must be an object');
  }
  const { progress, stream } = options as Record<string, unknown>;
  const result: CallRequestOptions = { progress: progress === true };
  if (stream !== undefined) {
    const window = streamWindow((stream as { window?: unknown } | null)?.window);
    if (window === undefined) throw new BadRequest('"plantrpc.stream" needs a "window": a number of items');
    result.stream = { window };
  }
  return result;
}

/** Runs a method and gives its reply's frames: one (JSON), or the info and the bytes (buffer). */
export async function callMethod(
  host: CallHost,
  name: string,
  method: MethodEntry,
  request: Record<string, unknown>,
  encoding: Encoding,
  envelope: Buffer[],
): Promise<Uint8Array[]> {
  const options = callOptions(request);
  // Without a request id (a REQ client, as the reference's), a call has one reply and nothing
  // before it: no progress, and no stream.
  const withId = callRoute(envelope) !== undefined;
  if (!withId) options.progress = false;
  if (method.kind === "stream") {
    if (!options.stream || !withId) {
      throw new BadRequest(`Method ${name} is a stream: read it with a plantrpc client (client.stream("${name}"))`);
    }
    await stream(host, name, method, request, encoding, envelope, options.stream.window);
    return [encodeBody({ success: true, result: null }, encoding)];
  }
  if (options.stream) throw new BadRequest(`Method ${name} is not a stream`);
  const args = bindArguments(name, method.params, request.params, method.arity);
  let result: unknown;
  if (method.context) {
    const call = host.calls.begin(envelope);
    try {
      result = await method.fn(context(host, call.signal, options.progress === true, encoding, envelope), ...args);
    } finally {
      call.end();
    }
  } else {
    result = await method.fn(...args);
  }
  if (method.kind === "json") {
    // A method returning nothing answers null, as Python's None: the key must be there.
    return [encodeResult({ success: true, result: result === undefined ? null : result }, encoding)];
  }
  const [bytes, info] = checkBufferResult(name, result);
  return [encodeResult(info, encoding), bytes];
}

/** The handler's view of its call: the abort signal, and progress when the caller asked for it. */
function context(
  host: CallHost,
  signal: AbortSignal,
  wantsProgress: boolean,
  encoding: Encoding,
  envelope: Buffer[],
): CallContext {
  return {
    signal,
    progress(value: unknown): void {
      if (!wantsProgress || signal.aborted) return;
      const frame = encodeResult(value, encoding);
      void host.send(envelope, [KIND_FRAMES.progress, frame]).catch(() => {});
    },
  };
}

/** A stream method's run: each item sent once the reader's credit allows it. */
async function stream(
  host: CallHost,
  name: string,
  method: MethodEntry,
  request: Record<string, unknown>,
  encoding: Encoding,
  envelope: Buffer[],
  window: number,
): Promise<void> {
  const args = bindArguments(name, method.params, request.params, method.arity);
  const credit = new StreamCredit(window);
  const call = host.calls.begin(envelope, { window, credit: (items) => credit.grant(items) });
  try {
    let items: unknown = method.fn(context(host, call.signal, false, encoding, envelope), ...args);
    // An async function returning its iterable (or throwing) is awaited, its failure replied.
    if (isThenable(items)) items = await items;
    if (!isIterable(items)) throw new BadRequest(`stream method ${name} must return an async iterable`);
    const send = (item: unknown): Promise<void> => {
      if (method.items === "buffer") {
        const [bytes, info] = checkBufferResult(name, item);
        return host.send(envelope, [KIND_FRAMES.bufferItem, encodeResult(info, encoding), bytes]);
      }
      return host.send(envelope, [KIND_FRAMES.item, encodeResult(item, encoding)]);
    };
    await runStream(items, send, credit, call.signal, host.idle);
  } finally {
    call.end();
  }
}

function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    (Symbol.asyncIterator in value || Symbol.iterator in (value as object))
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

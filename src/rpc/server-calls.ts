/**
 * The calls a device is serving that their callers can still give up (protocol-spec/rpc.md,
 * section 8): each is known by the route it came on (the connection's routing id, and any
 * envelope frames in front) and its request id, so that a CANCEL or a STREAM_CREDIT reaches it
 * from that connection only, and a connection that closes aborts all of its calls. Only calls
 * whose handler takes a CallContext (and streams) are kept: the others cost nothing here.
 */
import type { Buffer } from "node:buffer";
import { BadRequest } from "./request.js";

/** Streams one connection may have open at once, and the items their windows add up to. */
export const MAX_STREAMS_PER_CONNECTION = 64;
export const MAX_WINDOWS_PER_CONNECTION = 512;

/** A call in progress, as its handler sees it (the `callContext` option, and stream methods). */
export interface CallContext {
  /**
   * Aborts when the caller gives up the call: its abort signal or timeout, `client.close()`,
   * its connection closing, or the device stopping. A handler that stops its work then (the
   * motors, the exposure) makes the cancellation real; one that ignores it runs to its end.
   */
  readonly signal: AbortSignal;
  /**
   * Sends a progress value (any value a reply can hold) to the caller before the reply, when
   * it asked for progress (`onProgress`); otherwise, and for callers that are not plantrpc
   * clients, nothing is sent. Throws when the value cannot be encoded.
   */
  progress(value: unknown): void;
}

/** A call that can be given up: what aborts it, the connection it came on, its stream's credit. */
interface Cancellable {
  readonly controller: AbortController;
  /** The routing id of its connection (hex), for aborting a closed connection's calls. */
  readonly peer: string;
  /** Grants a stream more items; undefined for a call that is not a stream. */
  readonly credit?: (items: number) => void;
}

/** Where a call came from: the key CANCEL and STREAM_CREDIT name it by, and its connection. */
export interface CallRoute {
  readonly key: string;
  readonly peer: string;
}

/**
 * The route of a request from its envelope (`[routing id, ...frames, request id, ""]`, as
 * splitEnvelope gives it), with the request id replaced by `id` when given (a CANCEL names
 * another request); undefined when the envelope carries no request id (a REQ client's).
 */
export function callRoute(envelope: Buffer[], id?: number): CallRoute | undefined {
  const prefix = routePrefix(envelope);
  if (prefix === undefined) return undefined;
  const requestId = id ?? envelope[envelope.length - 2]!.readUInt32BE(0);
  return { key: `${prefix}${requestId}`, peer: envelope[0]!.toString("hex") };
}

/**
 * The key prefix of every call that came on the same route as a request (the envelope's frames
 * before the request id): what a CANCEL without a request id gives up.
 */
export function routePrefix(envelope: Buffer[]): string | undefined {
  const idFrame = envelope[envelope.length - 2];
  if (envelope.length < 3 || idFrame?.length !== 4) return undefined;
  return `${envelope
    .slice(0, -2)
    .map((f) => f.toString("hex"))
    .join(".")}/`;
}

/** The calls that can be given up, by their route's key. */
export class CancellableCalls {
  private readonly calls = new Map<string, Cancellable>();
  /** Each connection's open streams: how many, and their windows added up. */
  private readonly streams = new Map<string, { count: number; windows: number }>();
  private unnamed = 0;

  /** `alive(routingId)`: whether that connection is still there (a request read late may outlive it). */
  constructor(private readonly alive: (routingId: Buffer) => boolean = () => true) {}

  /**
   * Keeps a call until `end()` is called; its signal aborts on cancel(), peerGone() or
   * abortAll(). A call without a request id (a REQ client's), or whose id is in use on its route,
   * is kept under a key of its own: its connection's end and the device's stop still reach it,
   * only CANCEL cannot name it. A call whose connection is already gone starts aborted. A stream
   * (`stream` given) past MAX_STREAMS_PER_CONNECTION or MAX_WINDOWS_PER_CONNECTION is refused.
   */
  begin(
    envelope: Buffer[],
    stream?: { window: number; credit: (items: number) => void },
  ): { signal: AbortSignal; end(): void } {
    const controller = new AbortController();
    const routingId = envelope[0];
    if (!routingId || envelope.length < 2) return { signal: controller.signal, end: () => {} };
    let route = callRoute(envelope);
    const peer = routingId.toString("hex");
    if (!route || this.calls.has(route.key)) route = { key: `${peer}/-${this.unnamed++}`, peer };
    const open = stream ? this.openStream(peer, stream.window) : undefined;
    const call: Cancellable = { controller, peer, ...(stream ? { credit: stream.credit } : {}) };
    const key = route.key;
    this.calls.set(key, call);
    if (!this.alive(routingId)) controller.abort(gaveUp("the caller's connection closed"));
    return {
      signal: controller.signal,
      end: () => {
        if (this.calls.get(key) === call) this.calls.delete(key);
        open?.();
      },
    };
  }

  /** Counts a stream of `peer`; returns what closes it. A BadRequest past the limits. */
  private openStream(peer: string, window: number): () => void {
    const open = this.streams.get(peer) ?? { count: 0, windows: 0 };
    if (open.count >= MAX_STREAMS_PER_CONNECTION) {
      throw new BadRequest(`a connection may have ${MAX_STREAMS_PER_CONNECTION} streams open at once`);
    }
    if (open.windows + window > MAX_WINDOWS_PER_CONNECTION) {
      throw new BadRequest(`the windows of a connection's streams may add up to ${MAX_WINDOWS_PER_CONNECTION} items`);
    }
    open.count++;
    open.windows += window;
    this.streams.set(peer, open);
    return () => {
      open.count--;
      open.windows -= window;
      if (open.count === 0) this.streams.delete(peer);
    };
  }

  /** CANCEL: the caller gave the call up. */
  cancel(route: CallRoute | undefined): void {
    if (route) this.calls.get(route.key)?.controller.abort(gaveUp("the caller gave up the call"));
  }

  /**
   * CANCEL without a request id: every call of that route is given up (a gateway's page that
   * disconnected; the gateway's own connection stays).
   */
  cancelRoute(prefix: string | undefined): void {
    if (prefix === undefined) return;
    for (const [key, call] of this.calls) {
      if (key.startsWith(prefix)) call.controller.abort(gaveUp("the caller's connection closed"));
    }
  }

  /** STREAM_CREDIT: the reader of a stream took `items` more. */
  credit(route: CallRoute | undefined, items: number): void {
    if (route) this.calls.get(route.key)?.credit?.(items);
  }

  /** A connection closed: its calls' replies could not reach anyone. */
  peerGone(routingId: Buffer): void {
    const peer = routingId.toString("hex");
    for (const call of this.calls.values()) {
      if (call.peer === peer) call.controller.abort(gaveUp("the caller's connection closed"));
    }
  }

  /** The device stops: every call is given up. */
  abortAll(): void {
    for (const call of this.calls.values()) call.controller.abort(gaveUp("the device is stopping"));
    this.calls.clear();
  }

  /** Calls that can be given up, now (for tests and statistics). */
  get size(): number {
    return this.calls.size;
  }
}

/** An abort reason, as web APIs give one (`signal.throwIfAborted()` throws it). */
function gaveUp(message: string): Error {
  return new DOMException(message, "AbortError");
}

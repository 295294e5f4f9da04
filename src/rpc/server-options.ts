import type { CurveServerKeys } from "./curve.js";
import type { RPCSignal } from "./signal.js";
import type { WebAccess } from "./web-access.js";

/** Options of `new RPCServer()`. */
export interface RPCServerOptions {
  /** `tcp://host:port`; without a port, a free one in [10000, 12000) is chosen. */
  url: string;
  /** Seconds a registry should keep us after an alive check (sent with CHECK_ALIVE). */
  aliveTimeout?: number;
  /** Serve over CURVE with these keys: methods, properties and signals alike. */
  curve?: CurveServerKeys;
  /**
   * Also serve web pages and other WebSocket clients: `ws://host:port[/path]` (`:0` for a free
   * port). Methods and properties answer at that path, signals at `<path>/signals`.
   */
  web?: string;
  /**
   * Which web pages may use the web endpoint (browsers let any page open a WebSocket to any
   * address): by default none, with 403; clients that are not browsers are not concerned.
   * See docs/security.md.
   */
  webAccess?: WebAccess;
  /**
   * Largest request accepted, in octets: a bigger one closes that client's connection before its
   * body is buffered. Default 64 MiB; -1 for no limit.
   */
  maxRequestSize?: number;
  /**
   * Calls (and property requests) being served at once, over all clients. Past it requests wait
   * until one finishes: a few read ahead (64 at most, 64 MiB), the rest in ZeroMQ's queues, and
   * once those reach their high-water mark the clients' sends wait too. CANCEL and STREAM_CREDIT
   * are served whatever the count, so that a device serving one call at a time can be told to
   * stop it. Default 1000.
   */
  maxConcurrentCalls?: number;
  /**
   * Octets of replies waiting for one client (one that asks and does not read): from half of it
   * the device stops reading that client's requests, past it its replies are dropped (its calls
   * time out); other clients are not concerned. Default 64 MiB (as maxRequestSize: replies such
   * as images are large); 0 for no limit.
   */
  maxQueuedBytes?: number;
  /**
   * Clients connected at once, on each endpoint (tcp, and the web one); past it a new connection
   * is closed at once. Default 1024; 0 for no limit.
   */
  maxConnections?: number;
}

/** What a device facing a network needs (docs/rpc-api.md, "Limits"). */
export const DEFAULT_MAX_REQUEST = 64 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT = 1000;
export const DEFAULT_MAX_QUEUED = 64 * 1024 * 1024;
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** A client that has not finished its handshake by then is dropped (libzmq's default is 30 s). */
export const HANDSHAKE_MS = 10_000;

/** Options of `registerMethodJson()` and `registerMethodBuffer()`. */
export interface MethodOptions {
  /** ms a client should wait for the reply; null = forever. Default 10000. */
  timeout?: number | null;
  /** Parameter names in order, so that a caller's keyword arguments land in place. */
  params?: readonly string[];
  /**
   * The handler takes a CallContext as its first argument (before the caller's): its `signal`
   * aborts when the caller gives the call up, and `progress(value)` reports progress to a caller
   * that asked for it (protocol-spec/rpc.md, section 8). Default false.
   */
  callContext?: boolean;
}

/** Options of `registerMethodStream()`. */
export interface StreamOptions {
  /** ms a reader waits for each item (the first one included); null = forever. Default 10000. */
  timeout?: number | null;
  /** Parameter names in order, so that a caller's keyword arguments land in place. */
  params?: readonly string[];
  /**
   * What the stream yields: values ("json", the default) or buffers ("buffer": each item is
   * `[bytes, info]`, as a buffer method returns).
   */
  items?: "json" | "buffer";
}

/** A property's getter, optional setter, and the signal that announces its changes. */
export interface PropertyOptions<T = unknown> {
  /** Reads the value (may be async). */
  get: () => T | Promise<T>;
  /** Writes it (may be async); without it, the property is read-only. */
  set?: (value: T) => void | Promise<void>;
  /** Signal (name or instance) emitted with the new value when the property changes. */
  notify?: string | RPCSignal;
  /** Emit `notify` after a remote set when the value read back differs from before. */
  autoNotify?: boolean;
}

// A method may declare any parameters: with unknown[] a (x: number) => ... would not fit.
/** A method's function, as registered: any parameters, any result (a promise is awaited). */
// biome-ignore lint/suspicious/noExplicitAny: parameter types of user methods are theirs to declare
export type AnyFunction = (...args: any[]) => unknown;

/** A registered method, as the server keeps it. */
export interface MethodEntry {
  kind: "json" | "buffer" | "stream";
  fn: AnyFunction;
  /** The handler takes a CallContext first (streams always do). */
  context: boolean;
  /** What a stream's items are. */
  items: "json" | "buffer";
  timeout: number | null;
  params: readonly string[] | undefined;
  /** Positional arguments it takes at most, when that is known (see arityOf). */
  arity: number | undefined;
}

export interface PropertyEntry {
  get: () => unknown;
  set: ((value: unknown) => unknown) | undefined;
  notify: RPCSignal | undefined;
  autoNotify: boolean;
}

export const RANDOM_PORT_RANGE: [number, number] = [10000, 12000];

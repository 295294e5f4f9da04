import { ZmqError } from "./errors.js";
import { automaticCurveThreads, type CurveWorkers, curveWorkersFailed } from "./mechanism/curve/curve-pool.js";
import type { ZapClient } from "./mechanism/zap.js";
import { createZapClient } from "./engine/zap-client.js";
import { addonClass, expectArguments } from "./util/arguments.js";

/** How a socket reaches its context's ZAP client (not part of the native package's Context). */
export const ZAP_CLIENT: unique symbol = Symbol.for("plantrpc.zmq.zapClient") as never;
/** @internal */
export const INPROC_SCOPE: unique symbol = Symbol.for("plantrpc.zmq.inprocScope") as never;

/** Options of `new Context()`: the native package's, and three of ours. */
export interface ContextOptions {
  /** Sockets linger until their messages are sent (-1) when true, drop them (0) when false. */
  blocky?: boolean;
  /** libzmq's I/O threads (default 1): kept, no effect here (one event loop carries every socket). */
  ioThreads?: number;
  /** Sockets the context allows (default 1023): kept, not enforced here. */
  maxSockets?: number;
  /** Largest message, octets (libzmq's ZMQ_MAX_MSGSZ). */
  maxMessageSize?: number;
  /** New sockets allow IPv6. */
  ipv6?: boolean;
  /** Priority of libzmq's I/O threads (write-only; -1, the default, the OS's): kept, no effect here. */
  threadPriority?: number;
  /** Scheduling policy of libzmq's I/O threads (write-only; -1, the default, the OS's): kept, no effect here. */
  threadSchedulingPolicy?: number;
  /**
   * Ours: a send or receive started while another of its kind waits is queued ("queue", the
   * default), or fails with EBUSY as in the native package ("EBUSY").
   */
  concurrentOperations?: "queue" | "EBUSY";
  /**
   * Ours: worker threads that seal and open CURVE MESSAGE boxes of 256 KiB or more, so that the
   * large messages of one connection use several cores (order is kept). 0 turns them off; -1,
   * the default, chooses: one per core beyond two, at most four (none on one or two cores).
   * Where the workers cannot start (a bundled program without their script), CURVE seals on the
   * socket's thread, and this reads 0; only a number asked for is worth a warning then.
   */
  curveThreads?: number;
  /**
   * Ours: where CURVE's worker script (`curve-worker.mjs`) is, as a path or a `file:` URL, for a
   * program bundled into one file (docs/bundling.md); by default, beside the library's module.
   */
  curveWorker?: string | URL | undefined;
}

/**
 * The native package's Context: settings that sockets created with it take as their defaults.
 * There are no I/O threads here (one event loop carries every socket), so ioThreads and the
 * thread settings are kept for compatibility and change nothing. Exported wrapped (below).
 */
class Context {
  // Accessors defined below check each assignment.
  /**
   * The default `linger` of this context's sockets. True (the default) makes it -1: messages queued
   * at close() are still delivered, and the process waits for them (SUB and XSUB: 0). False makes
   * it 0: they are dropped. A non-boolean is a TypeError.
   */
  declare blocky: boolean;
  /**
   * libzmq's I/O threads (default 1): kept for compatibility, no effect here (one event loop
   * carries every socket). Below 0 is an EINVAL ZmqError.
   */
  declare ioThreads: number;
  /** Sockets the context allows (default 1023): kept, not enforced here. Below 1 is an EINVAL ZmqError. */
  declare maxSockets: number;
  /**
   * Largest message, octets (libzmq's ZMQ_MAX_MSGSZ; default 2^31 - 1): kept, no effect here (each
   * socket's maxMessageSize limits what its peers send). Below 0 is an EINVAL ZmqError.
   */
  declare maxMessageSize: number;
  /** The default `ipv6` option of this context's sockets. Default false; a non-boolean is a TypeError. */
  declare ipv6: boolean;
  /** libzmq's hard limit on maxSockets (read-only). */
  get maxSocketsLimit(): number {
    return 65535;
  }
  /** See ContextOptions.concurrentOperations. */
  concurrentOperations: "queue" | "EBUSY" = "queue";
  /** See ContextOptions.curveWorker. */
  curveWorker: string | URL | undefined = undefined;
  private curveThreadsAsked = -1;
  private readonly threadSettings = { threadPriority: -1, threadSchedulingPolicy: -1 };
  private zap: ZapClient | undefined;

  /** @internal The client through which this context's server sockets ask the ZAP handler. */
  [ZAP_CLIENT](): ZapClient {
    this.zap ??= createZapClient(this[INPROC_SCOPE]());
    return this.zap;
  }

  /**
   * @internal The name space of its sockets' inproc:// names, as each libzmq context has its
   * own: undefined for the global context (process-wide, shared with worker threads), the
   * context itself for any other.
   */
  [INPROC_SCOPE](): object | undefined {
    return this === context ? undefined : this;
  }

  constructor(options?: ContextOptions) {
    expectArguments(arguments.length, 1);
    this.blocky = true;
    this.ioThreads = 1;
    this.maxSockets = 1023;
    this.maxMessageSize = 0x7fff_ffff;
    this.ipv6 = false;
    // As the native package's: no property can be added (its options are assigned onto it).
    Object.seal(this);
    if (options === undefined) return;
    if (typeof options !== "object" || options === null) throw new TypeError("Options must be an object");
    for (const [key, value] of Object.entries(options)) {
      if (!CONTEXT_OPTIONS.has(key)) {
        throw new TypeError(
          key in this
            ? `Cannot set property ${key} of #<Context> which has only a getter`
            : `Cannot add property ${key}, object is not extensible`,
        );
      }
      if (key === "concurrentOperations" && value !== "queue" && value !== "EBUSY") {
        throw new TypeError('concurrentOperations is "queue" or "EBUSY"');
      }
      if (key === "curveWorker" && !(value === undefined || typeof value === "string" || value instanceof URL)) {
        throw new TypeError("curveWorker is a path or a URL");
      }
      (this as Record<string, unknown>)[key] = value;
    }
  }

  /**
   * See ContextOptions.curveThreads: -1 (automatic) or the number asked for, and 0 once the
   * workers could not start or stopped (CURVE seals on the socket's thread then).
   */
  get curveThreads(): number {
    if (this.curveThreadsAsked !== 0 && curveWorkersFailed(this.curveWorker)) return 0;
    return this.curveThreadsAsked;
  }

  /** See ContextOptions.curveThreads; anything but an integer, -1 or more, is a TypeError. */
  set curveThreads(value: number) {
    if (!(Number.isInteger(value) && value >= -1))
      throw new TypeError("curveThreads is an integer, -1 (automatic) or more");
    this.curveThreadsAsked = value;
  }

  /** @internal The worker threads CURVE connections made now use (curveThreads, resolved). */
  curveWorkers(): CurveWorkers {
    const threads = this.curveThreadsAsked >= 0 ? this.curveThreadsAsked : automaticCurveThreads();
    // A number or a script asked for is worth a warning when the workers fail; the automatic
    // choice is not (a bundle without the script is the common case).
    const asked = this.curveThreadsAsked >= 0 || this.curveWorker !== undefined;
    return { threads, script: this.curveWorker, asked };
  }

  /** Write-only, as in libzmq. */
  set threadPriority(value: number) {
    this.threadSettings.threadPriority = checkInteger(value, -1);
  }

  /**
   * Scheduling policy of libzmq's I/O threads (write-only, as in libzmq; -1, the default, the
   * OS's): kept, no effect here. Below -1 is an EINVAL ZmqError.
   */
  set threadSchedulingPolicy(value: number) {
    this.threadSettings.threadSchedulingPolicy = checkInteger(value, -1);
  }
}

const CONTEXT_OPTIONS = new Set([
  "concurrentOperations",
  "curveThreads",
  "curveWorker",
  "blocky",
  "ioThreads",
  "maxSockets",
  "maxMessageSize",
  "ipv6",
  "threadPriority",
  "threadSchedulingPolicy",
]);

function checkInteger(value: unknown, min: number): number {
  if (typeof value !== "number") throw new TypeError("Option value must be a number");
  const n = Math.trunc(value);
  if (Number.isNaN(n) || n < min) throw new ZmqError("EINVAL", `expected an integer >= ${min}, not ${value}`);
  return n;
}

/** Checks the public settings on assignment, as the native package's option setters do. */
for (const [name, kind, min] of [
  ["blocky", "bool", 0],
  ["ipv6", "bool", 0],
  ["ioThreads", "int", 0],
  ["maxSockets", "int", 1],
  ["maxMessageSize", "int", 0],
] as const) {
  const store = Symbol(name);
  Object.defineProperty(Context.prototype, name, {
    configurable: true,
    get(this: Record<symbol, unknown>) {
      return this[store];
    },
    set(this: Record<symbol, unknown>, value: unknown) {
      if (kind === "bool") {
        if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
        this[store] = value;
      } else {
        this[store] = checkInteger(value, min);
      }
    },
  });
}

// The class behind the public Context (which wraps it: addonClass), named as an internal type:
// deno doc requires what a public name's type refers to be public or internal.
/** @internal */
type ContextConstructor = typeof Context;

/**
 * The native package's Context: settings that sockets created with it take as their defaults.
 * Each context has its own inproc:// names, and so its own ZAP handler; the global `context`'s
 * are shared by every thread. Called without `new`, it throws the native package's TypeError.
 * @class
 */
const PublicContext: ContextConstructor = /* @__PURE__ */ addonClass(Context);
/** A context: what `new Context()` makes, and what a socket's `context` is. */
type PublicContext = InstanceType<ContextConstructor>;
export { PublicContext as Context };

/** The context sockets use when none is given; its inproc:// names (and ZAP handler) are shared by every thread. */
export const context: PublicContext = new PublicContext();

import { ZmqError } from "../errors.js";

/** Options shared by every socket type; each can also be set as a property. */
export interface SocketOptions {
  /** Messages queued per peer before sending blocks or drops (per type). 0 = no limit. */
  sendHighWaterMark?: number;
  /** Messages queued per peer before we stop reading from it. 0 = no limit. */
  receiveHighWaterMark?: number;
  /** ms to keep flushing queued messages after close(); -1 = until written, 0 = drop. */
  linger?: number;
  /** Our identity, announced to ROUTER peers. */
  routingId?: string | Uint8Array | null;
  /** Largest frame accepted from a peer, in octets; -1 = no limit. */
  maxMessageSize?: number;
  /** ms between PINGs we send; 0 = none. */
  heartbeatInterval?: number;
  /** ms of silence after which a peer is dropped; -1 = heartbeatInterval. */
  heartbeatTimeout?: number;
  /** TTL announced in our PINGs, ms (rounded to tenths of a second). */
  heartbeatTimeToLive?: number;
  /** ms before reconnecting; -1 = never reconnect. */
  reconnectInterval?: number;
  /** Upper bound for the exponential reconnect backoff, ms; 0 = no backoff. */
  reconnectMaxInterval?: number;
  /** ms allowed for greeting and handshake; 0 = unbounded. */
  handshakeInterval?: number;
  /** ms a send may wait for room; -1 = forever, 0 = fail at once with EAGAIN. */
  sendTimeout?: number;
  /** ms a receive may wait; -1 = forever. */
  receiveTimeout?: number;
  /** Queue messages only to peers whose handshake is complete. */
  immediate?: boolean;
}

/**
 * One option: its default and how a value is checked. A value of the wrong JavaScript type is
 * a TypeError and one out of range an EINVAL, as the native `zeromq` package reports them.
 */
export interface OptionSpec<T = unknown> {
  readonly default: T;
  check(value: unknown): T;
}

export type OptionTable = Record<string, OptionSpec>;

/** An integer option; `min` is -1 where -1 means "none" or "forever". */
export function integerOption(defaultValue: number, min = 0): OptionSpec<number> {
  return {
    default: defaultValue,
    check(value) {
      if (typeof value !== "number") throw new TypeError("Option value must be a number");
      if (!Number.isInteger(value) || value < min) {
        throw new ZmqError("EINVAL", `Invalid argument: expected an integer >= ${min}, got ${value}`);
      }
      return value;
    },
  };
}

export function booleanOption(defaultValue: boolean): OptionSpec<boolean> {
  return {
    default: defaultValue,
    check(value) {
      if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
      return value;
    },
  };
}

/** The options of every socket type, with libzmq's defaults. */
export const SOCKET_OPTIONS = {
  sendHighWaterMark: integerOption(1000),
  receiveHighWaterMark: integerOption(1000),
  linger: integerOption(-1, -1),
  maxMessageSize: integerOption(-1, -1),
  heartbeatInterval: integerOption(0),
  heartbeatTimeout: integerOption(-1, -1),
  heartbeatTimeToLive: integerOption(0),
  reconnectInterval: integerOption(100, -1),
  reconnectMaxInterval: integerOption(0),
  handshakeInterval: integerOption(30000),
  sendTimeout: integerOption(-1, -1),
  receiveTimeout: integerOption(-1, -1),
  immediate: booleanOption(false),
} satisfies OptionTable;

/** Where a socket keeps the options set on it (the others read as their defaults). */
export const OPTION_VALUES = Symbol("option values");
const VALUES = OPTION_VALUES;
const TABLE = Symbol("option table");

interface OptionHolder {
  [VALUES]?: Record<string, unknown>;
  [TABLE]?: OptionTable;
}

/**
 * Declares options on a socket class: each becomes a property whose setter checks the value,
 * so that `socket.linger = "abc"` fails as the constructor's `{ linger: "abc" }` does. A
 * subclass adds its own options to those it inherits.
 */
export function defineOptions(cls: { prototype: object }, table: OptionTable): void {
  const proto = cls.prototype as OptionHolder;
  const inherited = proto[TABLE] ?? {};
  Object.defineProperty(proto, TABLE, { value: { ...inherited, ...table } });
  for (const [name, spec] of Object.entries(table)) {
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: OptionHolder) {
        const values = this[VALUES];
        return values && name in values ? values[name] : spec.default;
      },
      set(this: OptionHolder, value: unknown) {
        this[VALUES]![name] = spec.check(value);
      },
    });
  }
}

/** Sets each option given to a constructor; an unknown name is a TypeError (a typo, not ignored). */
export function applyOptions(target: object, options: unknown, typeName: string): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) throw new TypeError("Options must be an object");
  const table = (target as OptionHolder)[TABLE] ?? {};
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(table, key) && !EXTRA_SETTABLE.has(key)) {
      throw new TypeError(`Unknown option "${key}" for a ${typeName} socket`);
    }
    (target as Record<string, unknown>)[key] = value;
  }
}

/** Settable properties checked by their own setters rather than the table. */
const EXTRA_SETTABLE = new Set(["routingId"]);

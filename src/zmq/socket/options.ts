import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { z85Encode } from "../mechanism/z85.js";
import { OPTION_TABLE, OPTIONS_BY_ID, type OptionRow, type SocketClassName } from "./option-table.js";

/**
 * Options every socket type takes in its constructor (the full list is in option-table.ts).
 * The type parameter is the native package's (`SocketOptions<Dealer>`); it changes nothing here.
 */
export interface SocketOptions<_S = unknown> {
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
  /** ms a TCP connection attempt may take; 0 = the OS default. */
  connectTimeout?: number;
  /** TCP keepalive: -1 = OS default, 0 = off, 1 = on. */
  tcpKeepalive?: number;
  /** Seconds of idleness before the first keepalive probe; -1 = OS default. */
  tcpKeepaliveIdle?: number;
  /** The context whose defaults (linger, ipv6) the socket takes. */
  context?: unknown;
  [option: string]: unknown;
}

/** Where a socket keeps the values set on it; the others read as their defaults. */
export const OPTION_VALUES = Symbol("option values");
/** The options a socket class has, by name. */
const CLASS_OPTIONS = Symbol("class options");

/** What the option accessors need from a socket. */
export interface OptionHost {
  [OPTION_VALUES]: Record<string, unknown>;
  /** A default that depends on the socket (its context's linger and ipv6). */
  optionDefault(row: OptionRow): unknown;
  /** An option changed (after its value was stored): warn, or apply it. */
  optionChanged(row: OptionRow): void;
}

/**
 * Checks a value for an option and gives the value to store: a TypeError for the wrong
 * JavaScript type and an EINVAL out of range, as the native package reports them; numbers are
 * truncated to integers as libzmq's C types truncate them.
 */
export function checkOptionValue(row: OptionRow, value: unknown): unknown {
  const checked = checkKind(row, value);
  if (row.unsupported) throw new ZmqError("EINVAL", `${row.name}: this transport is not available`);
  if (row.accepts && checked instanceof Uint8Array && !row.accepts(checked)) {
    throw new ZmqError("EINVAL", `not a valid value for ${row.name}`);
  }
  return checked;
}

function checkKind(row: OptionRow, value: unknown): unknown {
  switch (row.kind) {
    case "bool":
      if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
      return value;
    case "string":
      if (value === null) return null;
      if (typeof value === "string") return Buffer.from(value, "utf8");
      if (value instanceof Uint8Array) return Buffer.from(value);
      throw new TypeError("Option value must be a string or buffer");
    default: {
      if (typeof value !== "number") throw new TypeError("Option value must be a number");
      let n = Math.trunc(value);
      // The native package converts a negative number to 0 for 64-bit unsigned options.
      if (row.kind === "uint64" && n < 0) n = 0;
      if (Number.isNaN(n) || n < (row.min ?? (row.kind === "uint32" ? 0 : -Infinity))) {
        throw new ZmqError("EINVAL", `${row.name} must be at least ${row.min}, not ${value}`);
      }
      if (n > (row.max ?? Infinity))
        throw new ZmqError("EINVAL", `${row.name} must be at most ${row.max}, not ${value}`);
      if (row.kind === "int32" && n > 0x7fff_ffff) throw new ZmqError("EINVAL", `${row.name} is a 32-bit value`);
      return n;
    }
  }
}

/** A stored value as the property reads it: strings are decoded as UTF-8. */
function readable(row: OptionRow, stored: unknown): unknown {
  if (row.kind !== "string" || !(stored instanceof Uint8Array)) return stored;
  // CURVE keys read back as Z85, however they were set (as libzmq's getsockopt gives them).
  if (row.name.startsWith("curve") && stored.length === 32) return z85Encode(stored);
  return Buffer.from(stored).toString("utf8");
}

/** The stored value of an option, or its default. */
export function storedOption(host: OptionHost, row: OptionRow): unknown {
  const values = host[OPTION_VALUES];
  return Object.hasOwn(values, row.name) ? values[row.name] : host.optionDefault(row);
}

function accessor(row: OptionRow): PropertyDescriptor {
  const descriptor: PropertyDescriptor = { configurable: true };
  if (row.access !== "w") {
    descriptor.get = function (this: OptionHost) {
      if (row.unsupported || (row.unreadable && !Object.hasOwn(this[OPTION_VALUES], row.name))) {
        throw new ZmqError("EINVAL", `libzmq cannot read ${row.name} back`);
      }
      return readable(row, storedOption(this, row));
    };
  }
  descriptor.set = function (this: OptionHost, value: unknown) {
    this[OPTION_VALUES][row.name] = checkOptionValue(row, value);
    this.optionChanged(row);
  };
  return descriptor;
}

/**
 * Defines the table's options on the socket classes: each class gets an accessor for every
 * option it has, and a class inheriting an option its type does not have (PUB from XPUB) hides
 * it, so that setting it fails as with the native package.
 */
export function installOptions(classes: Record<SocketClassName, { prototype: object }>): void {
  for (const [name, cls] of Object.entries(classes) as Array<[SocketClassName, { prototype: object }]>) {
    const own = new Map<string, OptionRow>();
    for (const row of OPTION_TABLE) {
      if (row.access === "r" || !row.on.includes(name)) continue;
      own.set(row.name, row);
      Object.defineProperty(cls.prototype, row.name, accessor(row));
    }
    Object.defineProperty(cls.prototype, CLASS_OPTIONS, { value: own, configurable: true });
    for (const row of OPTION_TABLE) {
      if (row.access === "r" || own.has(row.name) || !(row.name in cls.prototype)) continue;
      Object.defineProperty(cls.prototype, row.name, { value: undefined, writable: false, configurable: true });
    }
  }
}

/** The settable options of a socket, by name. */
export function optionsOf(socket: object): ReadonlyMap<string, OptionRow> {
  return (socket as { [CLASS_OPTIONS]?: Map<string, OptionRow> })[CLASS_OPTIONS] ?? new Map();
}

/**
 * Sets each option given to a constructor. A name the socket type does not have, or a read-only
 * one, is a TypeError, as assigning to it is on a sealed socket of the native package.
 */
export function applyOptions(target: object, options: unknown, typeName: string): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) throw new TypeError("Options must be an object");
  const known = optionsOf(target);
  for (const [key, value] of Object.entries(options)) {
    if (key === "context") continue; // taken by the constructor itself
    if (!known.has(key) && !hasSetter(target, key)) {
      throw new TypeError(
        key in target
          ? `Cannot set property ${key} of a ${typeName} socket: it is read-only or not an option`
          : `Unknown option "${key}" for a ${typeName} socket`,
      );
    }
    (target as Record<string, unknown>)[key] = value;
  }
}

/** A settable property outside the table (XPUB's verbosity). */
function hasSetter(target: object, key: string): boolean {
  for (let proto = Object.getPrototypeOf(target); proto; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor) return typeof descriptor.set === "function";
  }
  return false;
}

/**
 * The row of a low-level option number. As with libzmq's getsockopt/setsockopt, an option
 * is known whatever the socket type; only an unknown number is an EINVAL.
 */
export function optionById(id: unknown): OptionRow {
  if (typeof id !== "number") throw new TypeError("Identifier must be a number");
  const row = OPTIONS_BY_ID.get(id);
  if (!row) throw new ZmqError("EINVAL", `no socket option ${id}`);
  return row;
}

/** Options libzmq's getsockopt can read although the property is write-only. */
const READABLE_BY_NUMBER = new Set(["conflate"]);

/** getsockopt: a stored or default value, or EINVAL where libzmq cannot read the option. */
export function readOptionById(host: OptionHost, row: OptionRow): unknown {
  const set = Object.hasOwn(host[OPTION_VALUES], row.name);
  if ((row.access === "w" && !READABLE_BY_NUMBER.has(row.name)) || row.unsupported || (row.unreadable && !set)) {
    throw new ZmqError("EINVAL", `libzmq cannot read ${row.name}`);
  }
  return readable(row, storedOption(host, row));
}

/** setsockopt: checks and stores the value, whatever the socket type. */
export function writeOptionById(host: OptionHost, row: OptionRow, value: unknown): void {
  if (row.access === "r") throw new ZmqError("EINVAL", `${row.name} is read-only`);
  host[OPTION_VALUES][row.name] = checkOptionValue(row, value);
  host.optionChanged(row);
}

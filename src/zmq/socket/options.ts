import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { z85Encode } from "../mechanism/z85.js";
import type { Context } from "../context.js";
import type { ClassNameOfType, SocketTypeName } from "../engine/socket-types.js";
import { OPTION_TABLE, OPTIONS_BY_ID, type OptionRow, type SocketClassName } from "./option-table.js";
import type { OptionValues, OwnOptionProperties, SharedOptionProperties, SharedOptionValues } from "./option-types.js";

/**
 * The class name of a socket type (`Dealer` for a DEALER), from its `socketType`.
 * @internal
 */
type ClassNameOf<S> = S extends { readonly socketType: infer T extends SocketTypeName } ? ClassNameOfType<T> : never;

/**
 * The options a socket's constructor takes, derived from the option table: `SocketOptions<Dealer>`
 * has exactly a DEALER's options (a misspelt or foreign one is a compile error, as with the native
 * package), and `context`. For a socket of any type (`SocketOptions<Socket>`), the options every
 * type has.
 */
export type SocketOptions<S> = ([ClassNameOf<S>] extends [never]
  ? SharedOptionValues
  : OptionValues<ClassNameOf<S>>) & {
  /** The context whose defaults (linger, ipv6) the socket takes. */
  context?: Context;
};

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
  /** Throws ENOTSOCK once the socket is closed: its options can be neither read nor written. */
  assertOptionsOpen(): void;
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
      // The native package converts a negative number to 0 for 64-bit unsigned options, and
      // warns of one that a double cannot hold exactly.
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

/** A process warning, as the native package emits them (printed by Node unless told not to). */
function warn(message: string): void {
  (globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(message);
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
      this.assertOptionsOpen();
      if (row.unsupported || (row.unreadable && !Object.hasOwn(this[OPTION_VALUES], row.name))) {
        throw new ZmqError("EINVAL", `libzmq cannot read ${row.name} back`);
      }
      return readable(row, storedOption(this, row));
    };
  }
  descriptor.set = function (this: OptionHost, value: unknown) {
    this.assertOptionsOpen();
    store(this, row, value);
  };
  return descriptor;
}

// A mixin's constructor must take `...args: any[]` (TypeScript's rule for mixin classes, TS2545).
// biome-ignore lint/suspicious/noExplicitAny: see above
type AbstractClass<T = object> = abstract new (...args: any[]) => T;

/**
 * The base of a socket class, with the accessor of every option the table gives that class:
 * `class Dealer extends withOptions("Dealer", LoadBalancedSocket)`. Each class's module defines
 * its own options, so a class imported alone works, and its instances are typed with them.
 */
export function withOptions<C extends SocketClassName, B extends AbstractClass<SharedOptionProperties>>(
  name: C,
  Base: B,
): WithOptions<C, B> {
  abstract class Optioned extends Base {}
  const own = new Map<string, OptionRow>();
  for (const row of OPTION_TABLE) {
    if (row.access === "r" || row.property === false || !row.on.includes(name)) continue;
    own.set(row.name, row);
    Object.defineProperty(Optioned.prototype, row.name, accessor(row));
  }
  Object.defineProperty(Optioned.prototype, CLASS_OPTIONS, { value: own });
  return Optioned as WithOptions<C, B>;
}

/**
 * What withOptions() makes of a base class (a Socket, which has the options every type has).
 * Written out where a class extends it
 * (`const DealerWithOptions: WithOptions<"Dealer", typeof LoadBalancedSocket> = withOptions(...)`),
 * so that the public types need no inference (JSR's "fast check"). Those constants are internal
 * (`@ignore @internal`, written before the name: where deno doc reads a variable's tags).
 */
export type WithOptions<C extends SocketClassName, B extends AbstractClass<SharedOptionProperties>> = B &
  AbstractClass<OwnOptionProperties<C>>;

/** The settable options of a socket, by name. */
export function optionsOf(socket: object): ReadonlyMap<string, OptionRow> {
  return (socket as { [CLASS_OPTIONS]?: Map<string, OptionRow> })[CLASS_OPTIONS] ?? new Map();
}

/**
 * Sets each option given to a constructor. A name the socket type does not have, or a read-only
 * one, is a TypeError, as assigning to it is on a sealed socket of the native package.
 */
export function applyOptions(target: object, options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) throw new TypeError("Options must be an object");
  const known = optionsOf(target);
  for (const [key, value] of Object.entries(options)) {
    if (key === "context") continue; // taken by the constructor itself
    // As the native package, which assigns the options onto a sealed socket.
    if (!known.has(key) && !hasSetter(target, key)) {
      throw new TypeError(
        key in target
          ? `Cannot set property ${key} of #<Socket> which has only a getter`
          : `Cannot add property ${key}, object is not extensible`,
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
  store(host, row, value);
}

/**
 * Checks and stores a value, then lets the socket react; warns, after the socket's own warning,
 * of a 64-bit value that a double cannot hold exactly (as the native package, in that order).
 */
function store(host: OptionHost, row: OptionRow, value: unknown): void {
  const checked = checkOptionValue(row, value);
  host[OPTION_VALUES][row.name] = checked;
  host.optionChanged(row);
  if (row.kind === "uint64" && (checked as number) > Number.MAX_SAFE_INTEGER) {
    warn("Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.");
  }
}

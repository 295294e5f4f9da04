/**
 * The option schema: what a row of the option table says (OptionRow), the socket classes' groups
 * (derived from the socket-type table, engine/socket-types.ts), and `row()`, which keeps a row's name,
 * kind, sockets and access as literal types. option-table.ts holds the rows; option-row-types.ts
 * (generated from them) writes their type out; both read this module, which reads neither.
 */

import { ALL_SOCKETS, type SocketClassName } from "../engine/socket-types.js";

export type OptionKind = "bool" | "int32" | "uint32" | "int64" | "uint64" | "string";

export type { SocketClassName } from "../engine/socket-types.js";
export { ALL_SOCKETS, READABLE, WRITABLE } from "../engine/socket-types.js";

export interface OptionRow {
  readonly name: string;
  /** libzmq's ZMQ_* number. */
  readonly id: number;
  readonly kind: OptionKind;
  /** "rw", read-only "r" or write-only "w" (reading gives undefined, as with `zeromq`). */
  readonly access: "rw" | "r" | "w";
  /** The value before any is set; "linger" and "ipv6" follow the socket's context. */
  readonly default: boolean | number | string | null;
  readonly on: readonly SocketClassName[];
  /**
   * "yes": acts as in libzmq. "stored": kept and read back, but changes nothing here (multicast,
   * kernel buffer sizes, CPU affinity...: what a pure implementation has no use for or no access
   * to). "not yet": accepted and kept, but its effect is still to be built (see NOT_YET below).
   */
  readonly effect: "yes" | "stored" | "not yet";
  /** Takes effect at once, even on a connected socket (no warning when set after connect/bind). */
  readonly immediate?: boolean;
  /** Smallest accepted value of an integer option (libzmq refuses smaller ones with EINVAL). */
  readonly min?: number;
  /** Largest accepted value of an integer option. */
  readonly max?: number;
  /** libzmq refuses to read it back (EINVAL), though the property has a getter. */
  readonly unreadable?: boolean;
  /** Belongs to a transport libzmq was built without (VMCI): reading and writing fail with EINVAL. */
  readonly unsupported?: boolean;
  /** A check of its own for a string option (keys, address filters); false means EINVAL. */
  readonly accepts?: (value: Uint8Array) => boolean;
  readonly doc: string;
  /** Ours, beyond the native package's options (for transports it lacks: wss://). */
  readonly extension?: boolean;
  /** false: reached by its number only (the low-level accessors), as the native package has no property for it. */
  readonly property?: false;
}

/** What a row may say beyond its name, number, kind, default and text. */
type RowMore = Partial<Omit<OptionRow, "name" | "id" | "kind" | "default" | "doc">>;

/**
 * One row, its name, kind, socket list and access kept as literal types, so that the option
 * types (SocketOptions, each class's properties) are derived from the table itself.
 */
export function row<const N extends string, const K extends OptionKind, const M extends RowMore = Record<never, never>>(
  name: N,
  id: number,
  kind: K,
  defaultValue: OptionRow["default"],
  doc: string,
  more?: M,
): OptionRow & {
  readonly name: N;
  readonly kind: K;
  readonly on: M extends { on: infer O } ? O : typeof ALL_SOCKETS;
  readonly access: M extends { access: infer A } ? A : "rw";
} {
  return { name, id, kind, access: "rw", default: defaultValue, on: ALL_SOCKETS, effect: "yes", doc, ...more } as never;
}

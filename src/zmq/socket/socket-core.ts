import type { Buffer } from "node:buffer";
import { Context, context as defaultContext } from "../context.js";
import { type SocketTypeName, type SocketTypeRow, socketTypeRow } from "../engine/socket-types.js";
import { ZmqError } from "../errors.js";
import { SocketEvents, type SocketEvent } from "../events.js";
import { OPTIONS_BY_NAME, type OptionRow } from "./option-table.js";
import type { OptionName, StoredValue } from "./option-types.js";
import {
  applyOptions,
  OPTION_VALUES,
  type OptionHost,
  optionById,
  readOptionById,
  storedOption,
  writeOptionById,
} from "./options.js";
import { expectArguments } from "../util/arguments.js";

/** How many endpoints a socket has bound or connected (for warnings and the Proxy). */
/**
 * Keys shared by the two builds of the package (ES modules and CommonJS, both loaded when a
 * program imports one and a library requires the other): a Proxy of one takes sockets of the
 * other, as it takes any socket of the native package.
 */
export const ENDPOINT_COUNT: unique symbol = Symbol.for("plantrpc.zmq.endpointCount") as never;
const SOCKET_BRAND = Symbol.for("plantrpc.zmq.socket");

/** Whether `value` is a socket of this library, from either build. */
export function isSocket(value: unknown): value is SocketCore {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SOCKET_BRAND] === true;
}

/**
 * The first layer of every socket: its options (the option table's accessors, the native
 * package's low-level accessors, warnings), its context, its state and its events. The
 * connections (socket-connections.ts) and the message queues (socket.ts) build on it.
 * @internal
 */
export abstract class SocketCore implements OptionHost {
  /** The ZMTP socket type ("DEALER", ...), as announced to peers. */
  abstract readonly socketType: SocketTypeName;
  private typeRowCache: SocketTypeRow | undefined = undefined;

  /** This type's row of the socket-type table. */
  protected get typeRow(): SocketTypeRow {
    this.typeRowCache ??= socketTypeRow(this.socketType);
    return this.typeRowCache;
  }
  protected readonly eventStream: SocketEvents = new SocketEvents();

  /**
   * The socket's events (the native package's Observer); they are kept from the first look. First
   * asked for after the close: ENOTSOCK, as the native package's.
   */
  get events(): SocketEvents {
    if (this.isClosed && !this.eventStream.observed) throw notASocket();
    return this.eventStream.observe();
  }

  /**
   * Options are neither read nor written once the socket is closed (ENOTSOCK, as libzmq).
   * @ignore @internal
   */
  assertOptionsOpen(): void {
    if (this.isClosed) throw notASocket();
  }

  /**
   * The option values set on this socket, by name (OptionHost); the others read as their defaults.
   * @ignore @internal
   */
  readonly [OPTION_VALUES]: Record<string, unknown> = {};
  /** The context whose defaults this socket took. */
  readonly context: Context = defaultContext;
  protected lastBound: string | null = null;
  /** A bind or unbind in progress: other endpoint operations fail with EBUSY meanwhile. */
  protected blockedBy: "bind" | "unbind" | undefined;
  protected closeRequested = false;
  protected isClosed = false;
  protected routingIdBytes: Buffer | undefined;
  // The options read for every message, kept in plain fields (see optionChanged).
  protected sendHwm = 1000;
  protected sendHwmBytes = 0;
  protected receiveHwm = 1000;
  protected sendWait = -1;
  protected receiveWait = -1;
  protected conflating = false;
  protected dropCount = 0;

  /** Endpoints bound or connected. */
  abstract [ENDPOINT_COUNT](): number;

  /**
   * Socket classes call this last in their constructor, once their own fields exist, passing
   * themselves. An unknown option (a typo) is a TypeError and a bad value a TypeError or EINVAL,
   * never silently ignored. The socket is then sealed, so that a typo in an assignment after
   * construction (`socket.lingr = 0`) fails too; a user's subclass is left unsealed.
   */
  protected configure(options: object | undefined, cls: abstract new (...args: never[]) => SocketCore): void {
    const given = (options as { context?: unknown } | undefined)?.context;
    if (given !== undefined) {
      // The native package's words for it: a plain Error, "Invalid argument".
      if (!(given instanceof Context)) throw new Error("Invalid argument");
      (this as { context: Context }).context = given;
    }
    applyOptions(this, options);
    if (this.constructor === cls) Object.seal(this);
  }

  // ---- state (the read-only properties are the Socket class's, as the native package's) ----

  /** libzmq's number for this socket type (ZMQ_PAIR = 0 ... ZMQ_STREAM = 11). */
  protected typeNumber(): number {
    return this.typeRow.number;
  }

  /** "plain" or "curve" once a security mechanism is set; null for NULL security. */
  protected mechanismName(): null | "plain" | "curve" | "gssapi" {
    if (this.option("curveServer") || this.option("curveServerKey") !== null) return "curve";
    return this.option("plainServer") || this.option("plainUsername") !== null ? "plain" : null;
  }

  // ---- options ----

  /** An option's value for the socket's own use (strings as bytes), whether or not the property can be read. */
  protected option<N extends OptionName>(name: N): StoredValue<N> {
    return storedOption(this, OPTIONS_BY_NAME.get(name)!) as StoredValue<N>;
  }

  /**
   * Defaults that follow the context: linger (blocky) and ipv6.
   * @ignore @internal
   */
  optionDefault(row: OptionRow): unknown {
    if (row.name === "linger") return this.context.blocky && this.typeRow.lingers ? -1 : 0;
    if (row.name === "ipv6") return this.context.ipv6;
    return row.default;
  }

  /**
   * Most options apply to the next connection only: say so, as the native package does.
   * @ignore @internal
   */
  optionChanged(row: OptionRow): void {
    this.cacheHotOption(row);
    if (row.name === "routingId") this.routingIdChanged();
    if (row.immediate || this[ENDPOINT_COUNT]() === 0) return;
    (globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(
      "Socket option will not take effect until next connect/bind.",
    );
  }

  private cacheHotOption(row: OptionRow): void {
    const value = storedOption(this, row) as number;
    if (row.name === "sendHighWaterMark") this.sendHwm = value;
    else if (row.name === "sendHighWaterBytes") this.sendHwmBytes = value;
    else if (row.name === "receiveHighWaterMark") this.receiveHwm = value;
    else if (row.name === "sendTimeout") this.sendWait = value;
    else if (row.name === "receiveTimeout") this.receiveWait = value;
    else if (row.name === "conflate") this.conflating = Boolean(value);
    else this.cacheTypeOption(row.name as OptionName, value);
  }

  /**
   * An option a socket type reads on every message (ROUTER's mandatory, REQ's correlate...) was
   * set: the type keeps it in a field of its own.
   */
  protected cacheTypeOption(_name: OptionName, _value: unknown): void {}

  private routingIdChanged(): void {
    const bytes = this[OPTION_VALUES].routingId as Buffer | null;
    if (bytes && (bytes.length === 0 || bytes.length > 255)) {
      this[OPTION_VALUES].routingId = this.routingIdBytes ?? null;
      throw new ZmqError("EINVAL", "routingId is 1 to 255 octets");
    }
    this.routingIdBytes = bytes ?? undefined;
  }

  /** Reads a boolean option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  getBoolOption(id: number): boolean {
    expectArguments(arguments.length, 1);
    return Boolean(this.readOption(id));
  }

  /** Sets a boolean option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  setBoolOption(id: number, value: boolean): void {
    expectArguments(arguments.length, 2);
    this.writeOption(id, value);
  }

  /** Reads a 32-bit integer option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  getInt32Option(id: number): number {
    expectArguments(arguments.length, 1);
    return this.readNumberOption(id);
  }

  /** Sets a 32-bit integer option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  setInt32Option(id: number, value: number): void {
    expectArguments(arguments.length, 2);
    this.writeOption(id, value);
  }

  /** Reads an unsigned 32-bit option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  getUint32Option(id: number): number {
    expectArguments(arguments.length, 1);
    return this.readNumberOption(id);
  }

  /** Sets an unsigned 32-bit option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  setUint32Option(id: number, value: number): void {
    expectArguments(arguments.length, 2);
    this.writeOption(id, value);
  }

  /** Reads a 64-bit integer option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  getInt64Option(id: number): number {
    expectArguments(arguments.length, 1);
    return this.readNumberOption(id);
  }

  /** Sets a 64-bit integer option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  setInt64Option(id: number, value: number): void {
    expectArguments(arguments.length, 2);
    this.writeOption(id, value);
  }

  /** Reads an unsigned 64-bit option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  getUint64Option(id: number): number {
    expectArguments(arguments.length, 1);
    return this.readNumberOption(id);
  }

  /** Sets an unsigned 64-bit option by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  setUint64Option(id: number, value: number): void {
    expectArguments(arguments.length, 2);
    this.writeOption(id, value);
  }

  /** Reads a string option (text, or null when unset) by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  getStringOption(id: number): string | null {
    expectArguments(arguments.length, 1);
    const value = this.readOption(id);
    return value === null || value === undefined ? null : String(value);
  }

  /** Sets a string option (text, or null when unset) by libzmq's number (ZMQ_*), as the native package's low-level accessor. */
  setStringOption(id: number, value: string | Buffer | null): void {
    expectArguments(arguments.length, 2);
    this.writeOption(id, value);
  }

  /** Options a socket type handles itself (SUB's subscribe/unsubscribe, XPUB's verbosity). */
  protected setSpecialOption(_id: number, _value: unknown): boolean {
    return false;
  }

  private readOption(id: number): unknown {
    this.assertOptionsOpen();
    const row = optionById(id);
    if (row.name === "securityMechanism") {
      return ["plain", "curve", "gssapi"].indexOf(String(this.mechanismName())) + 1;
    }
    if (row.access === "r") return (this as unknown as Record<string, unknown>)[row.name];
    return readOptionById(this, row);
  }

  private readNumberOption(id: number): number {
    const value = this.readOption(id);
    return typeof value === "boolean" ? Number(value) : (value as number);
  }

  private writeOption(id: number, value: unknown): void {
    if (typeof id !== "number") throw new TypeError("Identifier must be a number");
    this.assertOptionsOpen();
    if (this.setSpecialOption(id, value)) return;
    writeOptionById(this, optionById(id), value);
  }

  // ---- for the layers above ----

  protected emit(event: SocketEvent): void {
    this.eventStream.emit(event);
  }

  /** EBADF once closed, EBUSY while a bind or unbind is in progress. */
  protected assertReady(): void {
    if (this.isClosed || this.closeRequested) throw new ZmqError("EBADF", "the socket is closed");
    if (this.blockedBy) {
      throw new ZmqError("EBUSY", `a ${this.blockedBy} is in progress`, {
        message: "Socket is blocked by a bind or unbind operation",
      });
    }
  }

  protected assertAddress(endpoint: unknown): asserts endpoint is string {
    if (typeof endpoint !== "string") throw new TypeError("Address must be a string");
  }
}

function notASocket(): ZmqError {
  return new ZmqError("ENOTSOCK", "the socket is closed");
}

Object.defineProperty(SocketCore.prototype, SOCKET_BRAND, { value: true });

import { Listeners } from "../util/listeners.js";
import { RpcError } from "./errors.js";
import { signalIterator } from "./signal-iterator.js";

/** Ends a signal's async iterations (a client's signals, when the client closes). */
export const END_SIGNAL: unique symbol = Symbol("plantrpc.endSignal");

/** A declared argument type: a constructor or a type name, checked before publishing. */
export type SignalArgType =
  | NumberConstructor
  | StringConstructor
  | BooleanConstructor
  | ArrayConstructor
  | ObjectConstructor
  | "number"
  | "string"
  | "boolean"
  | "array"
  | "object"
  | "any";

/** A function connected to a signal: called with each emission's arguments (what it returns is ignored). */
export type SignalListener<A extends unknown[]> = (...args: A) => unknown;

/**
 * Publish-subscribe signal, as the reference's RPCSignal: listeners are called in the order
 * they were connected; connecting the same function twice is a no-op. It is also an async
 * iterable of each emission's arguments: `for await (const [value] of signal)`, which ends when
 * a client's signal's client closes (or with `break`).
 */
export class RPCSignal<A extends unknown[] = unknown[]> {
  /** The argument types declared; none: any arguments (see validateArgs). */
  readonly argTypes: readonly SignalArgType[];
  private readonly listeners = new Listeners<A>();
  private ended = false;
  private readonly endWatchers = new Set<() => void>();

  /** A signal whose emissions carry arguments of these types (none given: any arguments). */
  constructor(...argTypes: SignalArgType[]) {
    this.argTypes = argTypes;
  }

  /** Calls `listener` with each emission's arguments, in the order listeners were connected. */
  connect(listener: SignalListener<A>): void {
    this.listeners.add(listener);
  }

  /** Removes one listener, or all of them when called without one. */
  disconnect(listener?: SignalListener<A>): void {
    this.listeners.remove(listener);
  }

  /** How many listeners are connected. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Calls every listener; an exception from one propagates to the emitter, as in the reference. */
  emit(...args: A): void {
    this.listeners.emit(...args);
  }

  /** Calls every listener; an exception from one goes to `failed` and the others still run. */
  emitEach(failed: (error: unknown) => void, ...args: A): void {
    this.listeners.emitEach(failed, ...args);
  }

  /** Each emission's arguments, from now on, until the signal ends (see the class). */
  [Symbol.asyncIterator](): AsyncIterableIterator<A> {
    return signalIterator<A>({
      connect: (l) => this.connect(l),
      disconnect: (l) => this.disconnect(l),
      onEnd: (ended) => {
        if (this.ended) {
          ended();
          return () => {};
        }
        this.endWatchers.add(ended);
        return () => this.endWatchers.delete(ended);
      },
    });
  }

  /**
   * No more emissions: iterations end once they have read what was queued.
   * @ignore @internal
   */
  [END_SIGNAL](): void {
    this.ended = true;
    const watchers = [...this.endWatchers];
    this.endWatchers.clear();
    for (const ended of watchers) ended();
  }

  /** Throws when the arguments do not match the declaration (when there is one). */
  validateArgs(args: readonly unknown[]): void {
    if (this.argTypes.length === 0) return;
    if (args.length !== this.argTypes.length) {
      throw new RpcError(`Expected ${this.argTypes.length} arguments, got ${args.length}.`);
    }
    args.forEach((arg, i) => {
      const type = this.argTypes[i]!;
      if (!matches(arg, type)) {
        throw new RpcError(`argument ${i} is ${describe(arg)}, expected ${typeName(type)}`);
      }
    });
  }
}

function typeName(type: SignalArgType): string {
  return typeof type === "string" ? type : type.name.toLowerCase();
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function matches(value: unknown, type: SignalArgType): boolean {
  switch (typeName(type)) {
    case "number":
      return typeof value === "number";
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

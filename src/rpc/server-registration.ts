/**
 * What the device keeps of each method and property it is given (registerMethod*,
 * registerProperty), checked as it is given: a mistake in a device's code fails at its start,
 * not at the first call.
 */
import { RpcError } from "./errors.js";
import { DEFAULT_METHOD_TIMEOUT_MS } from "./protocol.js";
import { arityOf } from "./request.js";
import type { AnyFunction, MethodEntry, MethodOptions, PropertyEntry, PropertyOptions } from "./server-options.js";
import type { RPCSignal } from "./signal.js";

/** A method's entry; an RpcError for a name, function or option that cannot serve. */
export function methodEntry(
  name: string,
  kind: MethodEntry["kind"],
  fn: AnyFunction,
  options: MethodOptions,
  items: MethodEntry["items"] = "json",
): MethodEntry {
  if (typeof name !== "string" || name === "") throw new RpcError("a method needs a non-empty name");
  if (typeof fn !== "function") throw new RpcError(`method ${name}: not a function`);
  const timeout = options.timeout === undefined ? DEFAULT_METHOD_TIMEOUT_MS : options.timeout;
  if (timeout !== null && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new RpcError(`method ${name}: timeout must be a positive number of ms, or null for none`);
  }
  if (
    options.params !== undefined &&
    !(Array.isArray(options.params) && options.params.every((p) => typeof p === "string"))
  ) {
    throw new RpcError(`method ${name}: params must be the parameter names, in order`);
  }
  const context = options.callContext === true;
  const declared = arityOf(fn);
  // The CallContext comes first and is not the caller's to give.
  const arity =
    options.params?.length ?? (declared === undefined ? undefined : Math.max(0, declared - (context ? 1 : 0)));
  return { kind, fn, context, items, timeout, params: options.params, arity };
}

/** A property's entry, its notify signal found by name among `signals` when named. */
export function propertyEntry<T>(
  name: string,
  options: PropertyOptions<T>,
  signals: ReadonlyMap<string, RPCSignal>,
): PropertyEntry {
  let notify: RPCSignal | undefined;
  if (typeof options.notify === "string") {
    notify = signals.get(options.notify);
    if (!notify) throw new RpcError(`property ${name}: notify signal ${options.notify} is not registered`);
  } else {
    notify = options.notify as RPCSignal | undefined;
  }
  return {
    get: options.get,
    set: options.set as ((value: unknown) => unknown) | undefined,
    notify,
    autoNotify: options.autoNotify ?? false,
  };
}

/**
 * The native package's argument check (node-addon-api): a method called with more arguments
 * than it takes throws this TypeError before doing anything (fewer fail on the missing value's
 * own check: "Address must be a string"...).
 */
export function expectArguments(received: number, max: number): void {
  if (received <= max) return;
  throw new TypeError(`Expected ${max} argument${max === 1 ? "" : "s"} but received ${received}`);
}

/** What the native package's classes made by the addon (Context, Proxy, Observer) say when called without `new`. */
const WITHOUT_NEW = "Class constructors cannot be invoked without 'new'";

/**
 * The class itself, but called without `new` it throws the addon's message rather than the
 * engine's ("Class constructor X cannot be invoked without 'new'"); construction, subclassing,
 * instanceof and static members are the class's own.
 */
export function addonClass<C extends abstract new (...args: never[]) => unknown>(cls: C): C {
  const wrapped = new Proxy(cls, {
    apply() {
      throw new TypeError(WITHOUT_NEW);
    },
  });
  // `instance.constructor === Context`, as with the native package.
  Object.defineProperty(cls.prototype, "constructor", { value: wrapped, writable: true, configurable: true });
  return wrapped;
}

/**
 * The package has two builds (ES modules and CommonJS), and a program can load both: its own
 * `import` and a library's `require()`. Their classes are then two classes of one name, and
 * `instanceof` across them would say false. The error classes answer it by name instead, for
 * objects that carry this package's mark.
 */
const MARK = Symbol.for("plantrpc.class");

/** Marks a class's instances as this package's (on its prototype: no cost per instance). */
export function markClass(cls: { prototype: object }): void {
  Object.defineProperty(cls.prototype, MARK, { value: true });
}

/** `value instanceof cls`, or an instance of the other build's class of the same name. */
export function isInstanceAcrossBuilds(cls: { name: string; prototype: object }, value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Object.prototype.isPrototypeOf.call(cls.prototype, value)) return true;
  if ((value as Record<symbol, unknown>)[MARK] !== true) return false;
  for (let p = Object.getPrototypeOf(value); p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === cls.name) return true;
  }
  return false;
}

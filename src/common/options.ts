/**
 * Options objects of the RPC layer's classes are checked as the socket options are: a name the
 * class does not know (a typo, `urll`) is a TypeError that names it, rather than a default taken
 * silently and an error about something else later.
 */
export function refuseUnknownOptions(options: unknown, known: ReadonlySet<string>, owner: string): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) throw new TypeError(`${owner}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new TypeError(`${owner}: unknown option "${key}" (its options: ${[...known].join(", ")})`);
    }
  }
}

/**
 * The option names of an options type, checked by the compiler against the type itself: a
 * name missing from the list, or not in the type, fails to compile.
 */
export function optionNames<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    ...names: K & (Exclude<keyof T, K[number]> extends never ? unknown : ["missing", Exclude<keyof T, K[number]>])
  ): ReadonlySet<string> => new Set(names);
}

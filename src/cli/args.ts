import { parseArgs } from "node:util";

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

export interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Every flag of every command; each command says which of them it takes (see `flags`). */
const FLAGS = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  timeout: { type: "string" },
  kwargs: { type: "string" },
  out: { type: "string" },
  count: { type: "string" },
  addr: { type: "string" },
  port: { type: "string" },
  "registry-port": { type: "string" },
  "camera-url": { type: "string" },
  name: { type: "string" },
  "server-key": { type: "string" },
  keys: { type: "string" },
  "allow-keys": { type: "string" },
  secure: { type: "boolean" },
  listen: { type: "string" },
  web: { type: "boolean" },
  destructive: { type: "boolean" },
  registry: { type: "string" },
  "reference-compatible": { type: "boolean" },
  method: { type: "string" },
  args: { type: "string" },
  "buffer-method": { type: "string" },
  signal: { type: "string" },
  "in-flight": { type: "string" },
  duration: { type: "string" },
  token: { type: "string" },
  "no-token": { type: "boolean" },
  "allow-origin": { type: "string", multiple: true },
  "allow-host": { type: "string", multiple: true },
  "allow-address": { type: "string", multiple: true },
  "max-devices": { type: "string" },
  "registry-addr": { type: "string" },
} as const;

/** Flags every command takes. */
export const COMMON_FLAGS = ["json", "help", "timeout"];

/** A negative number is an argument (`call url move -5`), not a flag. */
const NEGATIVE = /^-\d/;
const MARK = "\u0000";

/** The flags that take a value, as `--name`. */
const VALUED = new Set(
  Object.entries(FLAGS)
    .filter(([, spec]) => spec.type === "string")
    .map(([name]) => `--${name}`),
);

/**
 * A value that starts with a dash is still the flag's value when it is not a flag itself: a Z85
 * key may start with "-" (`--server-key -OLQP/kbX...`), which parseArgs would call ambiguous.
 */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (VALUED.has(arg) && next?.startsWith("-") && !isFlag(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function isFlag(arg: string): boolean {
  const name = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : undefined;
  return arg === "-h" || arg === "-V" || (name !== undefined && name in FLAGS);
}

/**
 * Node's own parser (also in Bun and Deno), strict: an unknown or misspelt flag, or a flag
 * without its value, is a usage error instead of being ignored.
 */
export function parse(argv: string[]): Parsed {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args: joinDashValues(argv).map((a) => (NEGATIVE.test(a) ? MARK + a : a)),
      options: FLAGS,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const flags = new Map<string, string | true>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === undefined || value === false) continue;
    // A flag given several times (--allow-origin a --allow-origin b) reads as a list: "a,b".
    flags.set(name, value === true ? true : Array.isArray(value) ? value.join(",") : String(value));
  }
  return { positional: parsed.positionals.map((p) => (p.startsWith(MARK) ? p.slice(1) : p)), flags };
}

/** Refuses flags that the command does not take. */
export function checkFlags(p: Parsed, command: string, allowed: readonly string[]): void {
  for (const name of p.flags.keys()) {
    if (!COMMON_FLAGS.includes(name) && !allowed.includes(name)) {
      throw new UsageError(`--${name} is not an option of plantrpc ${command}`);
    }
  }
}

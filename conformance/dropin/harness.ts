/**
 * Differential tests of the drop-in promise: each scenario runs against the native `zeromq`
 * package and against `plantrpc/zmq`, and the two outcomes must be equal (values, error class,
 * code, errno, message and address, warnings). When the native package cannot load (no prebuild
 * for this platform), its half is skipped with a message saying so, never silently.
 */
import * as ours from "../../src/zmq/index.js";
import { settle } from "../helpers/wait.js";

/** Both libraries are driven through the same untyped API. */
export type Lib = any;

let native: Lib | undefined;
let nativeError: unknown;
try {
  native = await import("zeromq");
} catch (e) {
  nativeError = e;
}

export const oursLib: Lib = ours;
export const nativeLib: Lib | undefined = native;
export const nativeMissing = native
  ? undefined
  : `the native zeromq package cannot load here (${(nativeError as Error)?.message}): differential tests skipped`;
if (nativeMissing) console.warn(nativeMissing);

/** What a step did, in a form both libraries can be compared by. */
export type Outcome =
  | { value: unknown }
  | { error: "TypeError" | "Error"; code?: string; errno?: number; message?: string; address?: string };

/** TypeError messages that the native package words in a way worth matching exactly. */
const MATCHED_TYPE_ERRORS =
  /^(Option value must be|Options must be an object|Address must be a string|Identifier must be a number)/;

export function describeOutcome(e: unknown): Outcome {
  if (e instanceof TypeError) {
    return MATCHED_TYPE_ERRORS.test(e.message) ? { error: "TypeError", message: e.message } : { error: "TypeError" };
  }
  const err = e as { code?: string; errno?: number; message?: string; address?: string };
  const out: Outcome = { error: "Error", code: err.code, errno: err.errno, message: err.message };
  if (err.address !== undefined) out.address = err.address;
  return out;
}

/** Sockets a scenario made, closed after it whatever happened. */
export class Scope {
  private readonly sockets: Array<{ close(): void }> = [];
  readonly warnings: string[] = [];

  constructor(readonly lib: Lib) {}

  // Arrow functions, so that scenarios may destructure them.
  /** A socket of the named class; linger 0 so that nothing outlives the scenario. */
  readonly socket = (type: string, options: object = {}): Lib => {
    const s = new this.lib[type]({ linger: 0, ...options });
    this.sockets.push(s);
    return s;
  };

  readonly track = <T extends { close(): void }>(s: T): T => {
    this.sockets.push(s);
    return s;
  };

  close(): void {
    for (const s of this.sockets.splice(0)) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }
}

/** Runs a scenario against one library: its value (made comparable) or what it threw. */
export async function runOn(lib: Lib, scenario: (scope: Scope) => unknown, timeoutMs = 3000): Promise<Outcome> {
  const scope = new Scope(lib);
  const onWarning = (w: Error) => scope.warnings.push(w.message);
  process.on("warning", onWarning);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scenario did not settle within ${timeoutMs} ms`)), timeoutMs);
    });
    const value = await Promise.race([Promise.resolve().then(() => scenario(scope)), timeout]);
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
    return { value: comparable(value, scope.warnings) };
  } catch (e) {
    return describeOutcome(e);
  } finally {
    clearTimeout(timer);
    process.off("warning", onWarning);
    scope.close();
  }
}

function comparable(value: unknown, warnings: string[]): unknown {
  const plain = value instanceof Uint8Array ? { bytes: [...value] } : value;
  return warnings.length ? { result: plain, warnings } : plain;
}

function isTimeout(o: Outcome | undefined): boolean {
  return o !== undefined && "error" in o && /did not settle/.test(o.message ?? "");
}

/** Both outcomes: [native, ours]; native is undefined when the package cannot load. */
export async function both(scenario: (scope: Scope) => unknown): Promise<[Outcome | undefined, Outcome]> {
  const theirs = nativeLib ? await runOn(nativeLib, scenario) : undefined;
  const mine = await runOn(oursLib, scenario);
  // Two scenarios that never finish agree, and prove nothing: that is a broken test.
  if (isTimeout(theirs) && isTimeout(mine)) throw new Error("the scenario did not finish with either library");
  return [theirs, mine];
}

/**
 * Sends (`send()`) until `received` settles, ten ms apart: what needs a subscription or a join to
 * reach the sender first (PUB/SUB, RADIO/DISH), or a datagram to find its reader.
 */
export async function sendUntil<T>(send: () => Promise<unknown>, received: Promise<T>): Promise<T> {
  let done = false;
  const result = received.finally(() => {
    done = true;
  });
  while (!done) {
    await send();
    await Promise.race([result, settle(10)]); // pacing: a send every 10 ms
  }
  return result;
}

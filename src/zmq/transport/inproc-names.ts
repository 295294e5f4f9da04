import { ZmqError } from "../errors.js";
import type { Carrier } from "./carrier.js";
import type { LocalBindings } from "./inproc-threads.js";

/** A bound inproc name. */
export interface Binding {
  /** When it was bound (the earlier of two threads' bindings of one name wins). */
  at: number;
  accept(carrier: Carrier): void;
}

/**
 * The inproc names of one name space (a context, as in libzmq): what is bound in this thread,
 * and the connects waiting for a name to be bound.
 */
export class NameTable implements LocalBindings {
  private readonly bound = new Map<string, Binding>();
  private readonly waiting = new Map<string, Set<() => void>>();

  lookup(name: string): Binding | undefined {
    return this.bound.get(name);
  }

  *names(): Iterable<[string, number]> {
    for (const [name, binding] of this.bound) yield [name, binding.at];
  }

  /** `name` is bound here, or another thread announced it: connects waiting for it go on. */
  announced(name: string): void {
    const waiters = this.waiting.get(name);
    if (waiters) for (const resume of [...waiters]) resume();
  }

  bind(name: string, binding: Binding): void {
    this.bound.set(name, binding);
    this.announced(name);
  }

  /** Unbinds `name` if `binding` still holds it; whether it did. */
  unbind(name: string, binding: Binding): boolean {
    if (this.bound.get(name) !== binding) return false;
    this.bound.delete(name);
    return true;
  }

  /** Resolves once `name` is bound or announced; rejects when the connect is given up. */
  appears(name: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(givenUp(name));
        return;
      }
      const waiters = this.waiting.get(name) ?? new Set<() => void>();
      this.waiting.set(name, waiters);
      const done = (): void => {
        waiters.delete(done);
        if (waiters.size === 0) this.waiting.delete(name);
        signal?.removeEventListener("abort", done);
        if (signal?.aborted) reject(givenUp(name));
        else resolve();
      };
      waiters.add(done);
      signal?.addEventListener("abort", done);
    });
  }
}

function givenUp(name: string): ZmqError {
  return new ZmqError("ECONNRESET", `inproc://${name}: connect given up`);
}

import { ZmqError } from "../../errors.js";

import type { CurveBoxes } from "./curve-primitive.js";

// The interface lives in curve-primitive.ts (the loaders import it; this module loads them).
export type { CurveBoxes, KeyPair, PrefixedBoxes } from "./curve-primitive.js";

let loaded: CurveBoxes | undefined;
let loading: Promise<CurveBoxes> | undefined;

/** The boxes, once loaded (a CURVE handshake waits for loadCurveBoxes() otherwise). */
export function loadedCurveBoxes(): CurveBoxes | undefined {
  return loaded;
}

/**
 * Loads the boxes (libsodium's WebAssembly module: some tens of ms, once per process or thread).
 * A failure is said plainly (and once per thread as a process warning); the next CURVE handshake
 * tries the load again, while the connect that failed is given up.
 */
export function loadCurveBoxes(): Promise<CurveBoxes> {
  loading ??= import("./curve-sodium.js")
    .then((module) => module.sodiumBoxes())
    .then(
      (boxes) => {
        loaded = boxes;
        return boxes;
      },
      (e: unknown) => {
        loading = undefined;
        if (e instanceof ZmqError) throw e; // the browser build's own word (curve-sodium.browser.ts)
        const error = new ZmqError("EMECHANISM", `CURVE needs libsodium-wrappers, which could not be loaded: ${e}`, {
          cause: e,
        });
        warnOnce(error);
        throw error;
      },
    );
  return loading;
}

let warned = false;

/**
 * Says so once, as a process warning: each CURVE handshake then fails as a protocol error would
 * (a connect() is given up, a bound socket drops the connection), which only a program watching
 * its sockets' events would otherwise see.
 */
function warnOnce(error: ZmqError): void {
  if (warned) return;
  warned = true;
  (globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(
    `${error.message}: CURVE handshakes fail (handshake:error:protocol events), and connects are given up`,
  );
}

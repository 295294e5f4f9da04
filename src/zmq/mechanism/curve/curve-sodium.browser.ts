import { ZmqError } from "../../errors.js";
import type { CurveBoxes } from "./curve-primitive.js";

/**
 * curve-sodium.ts in a web page: no libsodium there, not even a dynamic import of it (a bundler
 * would emit its 400-600 KB of WebAssembly for every page). Pages speak NULL: a browser's
 * WebSocket cannot offer ZWS's CURVE protocol name, and inproc has no security handshake.
 */
export async function sodiumBoxes(): Promise<CurveBoxes> {
  throw new ZmqError(
    "ENOTSUP",
    "the browser build has no CURVE: a page's WebSocket cannot offer ZWS's CURVE protocol name (pages connect with NULL security)",
  );
}

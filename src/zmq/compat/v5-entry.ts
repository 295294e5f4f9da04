/**
 * The callback API of `zeromq` v5, as the native package keeps it in `zeromq/v5-compat`:
 * `zmq.socket("req")`, `send(msg, flags, cb)`, `on("message", (...frames) => ...)`,
 * `setsockopt`/`getsockopt`, `monitor()`. Each socket wraps a socket of the v6 API.
 * `import zmq from "plantrpc/zmq/v5-compat"` gives the same as one object.
 * @module plantrpc/zmq/v5-compat
 */
// The entry of `plantrpc/zmq/v5-compat` (package.json, deno.json): the API of v5.ts, and its default export.
import * as api from "./v5.js";

export * from "./v5.js";
/** The whole API as one object, as the native package's CommonJS module gives it. */
export default api;

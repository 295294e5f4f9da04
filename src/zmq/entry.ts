/**
 * ZeroMQ (ZMTP 3.1, talks to 3.0) in pure TypeScript, with the native `zeromq` package's v6 API
 * so that switching is a change of import: the socket classes, their options and events,
 * Context, Proxy, Observer, ZmqError. `import zmq from "plantrpc/zmq"` gives the same as one
 * object, as the native package (CommonJS) does.
 * @module plantrpc/zmq
 */
// The entry of `plantrpc/zmq` (package.json, deno.json): the API of index.ts, and its default export.
import * as api from "./index.js";

export * from "./index.js";
/** The whole API as one object, as the native package's CommonJS module gives it. */
export default api;

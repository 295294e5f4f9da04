/**
 * libzmq's draft socket types, with the native package's `zeromq/draft` API: SERVER/CLIENT (a
 * thread-safe ROUTER/DEALER pair: numbered peers, one frame per message), RADIO/DISH (publish
 * and subscribe by exact group), GATHER/SCATTER (single-frame PULL/PUSH), over tcp, ipc and
 * inproc; RADIO/DISH also over udp://, and DGRAM (bare datagrams, udp:// only). Importing it
 * warns once, as the native entry does. `import zmq from "plantrpc/zmq/draft"` gives the same
 * as one object.
 * @module plantrpc/zmq/draft
 */
// The entry of `plantrpc/zmq/draft` (package.json, deno.json): the API of draft.ts, and its default export.
import * as api from "./draft.js";

export * from "./draft.js";
/** The whole API as one object, as the native package's CommonJS module gives it. */
export default api;

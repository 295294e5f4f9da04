/**
 * The `plantrpc/zmq` entry: the API of index.ts, and the same as one object for a default import, as
 * the native package (CommonJS) gives it: `import zmq from "plantrpc/zmq"`.
 */
import * as api from "./index.js";

export * from "./index.js";
export default api;

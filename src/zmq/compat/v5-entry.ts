/**
 * The `plantrpc/zmq/v5-compat` entry: the API of v5.ts, and the same as one object for a default import, as
 * the native package (CommonJS) gives it: `import zmq from "plantrpc/zmq/v5-compat"`.
 */
import * as api from "./v5.js";

export * from "./v5.js";
export default api;

/**
 * The `plantrpc/zmq/draft` entry: the API of draft.ts, and the same as one object for a default import, as
 * the native package (CommonJS) gives it: `import zmq from "plantrpc/zmq/draft"`.
 */
import * as api from "./draft.js";

export * from "./draft.js";
export default api;

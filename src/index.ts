/** plantrpc: the ROMI plantimager RPC framework on a pure-TypeScript ZeroMQ. */
export * from "./rpc/index.js";
export * as zmq from "./zmq/index.js";
export * from "./registry/index.js";
export * from "./gateway/index.js";
export type { Logger } from "./util/logger.js";

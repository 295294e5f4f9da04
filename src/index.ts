/** plantrpc: the ROMI plantimager RPC framework on a pure-TypeScript ZeroMQ. */
export * as zmq from "./zmq/index.js";

/**
 * The ROMI plantimager RPC framework on a pure-TypeScript ZeroMQ: RPCServer and RPCClient (the
 * Python reference's wire protocol, JSON or MessagePack), RPCSignal, the device registry
 * (DeviceRegistry, registerToRegistry) and the WebSocket gateway; the ZeroMQ layer as `zmq`
 * (also its own entry, `plantrpc/zmq`).
 * @module plantrpc
 */
export * from "./rpc/index.js";
/** The ZeroMQ layer (the `plantrpc/zmq` entry), for programs that import the package's root only. */
export * as zmq from "./zmq/index.js";
export * from "./registry/index.js";
export * from "./gateway/index.js";
export type { Logger } from "./util/logger.js";

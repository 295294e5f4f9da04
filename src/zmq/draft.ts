/**
 * `plantrpc/zmq/draft`: libzmq's draft socket types, with the native package's `zeromq/draft`
 * API. SERVER/CLIENT (a thread-safe ROUTER/DEALER pair: numbered peers, one frame per message),
 * RADIO/DISH (publish and subscribe by exact group), GATHER/SCATTER (single-frame PULL/PUSH),
 * over tcp, ipc and inproc; RADIO/DISH also over udp://, and DGRAM (bare datagrams, udp:// only).
 * Importing it warns once, as the native entry does.
 */
export { Client } from "./socket/draft/client.js";
export { Datagram } from "./socket/draft/datagram.js";
export { Dish, type DishGroupOptions } from "./socket/draft/dish.js";
export { Gather } from "./socket/draft/gather.js";
export { Radio, type RadioGroupOptions } from "./socket/draft/radio.js";
export { Scatter } from "./socket/draft/scatter.js";
export { Server, type ServerRoutingOptions } from "./socket/draft/server.js";

(globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(
  "ZeroMQ draft features are experimental and could change at any time.",
);

/**
 * plantrpc/zmq: ZeroMQ (ZMTP 3.1, talks to 3.0) in pure TypeScript. The API follows the native
 * `zeromq` package's v6 API, so that switching is a change of import.
 */
export {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "./socket/all.js";
export type { RequestOptions } from "./socket/request.js";
export type { RouterConnectOptions, RouterOptions, StreamConnectOptions } from "./socket/router.js";
export { Socket, type SocketOptions } from "./socket/socket.js";
export type { XPublisherOptions } from "./socket/publisher.js";
export type { MessageLike } from "./socket/frames.js";
export type { OperationOptions } from "./socket/socket.js";
export { splitEnvelope } from "./socket/envelope.js";
export { endpointPort } from "./transport/endpoint.js";
export { SocketEvents, type SocketEvent, type SocketEventType } from "./events.js";
// The native package's names for the same things.
export { SocketEvents as Observer } from "./events.js";
export type {
  SocketEvent as Event,
  SocketEventType as EventType,
  EventOfType,
  EventSubscriber,
  Readable,
  Writable,
} from "./events.js";
/** A received frame (the native package's Message). */
export type Message = import("node:buffer").Buffer;
export {
  ZmqError,
  AuthError,
  type ZmqErrorOptions,
  ProtocolError,
  ZmtpProtocolError,
  describeError,
  type ZmqErrorCode,
  type ZmtpErrorCode,
} from "./errors.js";
export { Context, context, type ContextOptions } from "./context.js";
export { Proxy } from "./proxy.js";
export { capability, version } from "./capability.js";
export { curveKeyPair } from "./curve-keypair.js";
export type { SocketTypeName } from "./engine/socket-types.js";
export type { Transport, Carrier, Listener } from "./transport/carrier.js";

/**
 * plantrpc/zmq: ZeroMQ (ZMTP 3.1, talks to 3.0) in pure TypeScript. The API follows the native
 * `zeromq` package's v6 API, so that switching is a change of import.
 */
export { Dealer } from "./socket/dealer.js";
export { Pair } from "./socket/pair.js";
export { Pull } from "./socket/pull.js";
export { Push } from "./socket/push.js";
export { Reply } from "./socket/reply.js";
export { Request, type RequestOptions } from "./socket/request.js";
export { Router, type RouterOptions } from "./socket/router.js";
export { Socket, type SocketOptions } from "./socket/socket-base.js";
export { Publisher, XPublisher, type XPublisherOptions } from "./socket/xpublisher.js";
export { Subscriber, XSubscriber } from "./socket/xsubscriber.js";
export type { MessageLike } from "./socket/frames.js";
export { splitEnvelope } from "./socket/envelope.js";
export { endpointPort } from "./transport/endpoint.js";
export { SocketEvents, type SocketEvent, type SocketEventType } from "./events.js";
export { ZmqError, ProtocolError, type ZmqErrorCode } from "./errors.js";
export type { SocketTypeName } from "./engine/socket-types.js";
export type { Transport, Carrier, Listener } from "./transport/carrier.js";

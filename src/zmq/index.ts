/**
 * plantrpc/zmq: ZeroMQ (ZMTP 3.1, talks to 3.0) in pure TypeScript. The API follows the native
 * `zeromq` package's v6 API, so that switching is a change of import.
 */
import { Proxy as ProxyClass } from "./proxy.js";
import type { SocketEvents as SocketEventsType } from "./events.js";
import type { Socket } from "./socket/socket.js";
import { addonClass } from "./util/arguments.js";

// The class behind the public Proxy (which wraps it: addonClass), named here as
// internal types: deno doc requires what a public name's type refers to be public or internal.
/** @internal */
type ProxyConstructor = typeof ProxyClass;
/** @internal */
type ProxyInstance<F extends Socket, B extends Socket> = ProxyClass<F, B>;

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
export type {
  AllOptionProperties,
  OptionProperties,
  OptionValues,
  SharedOptionProperties,
  SharedOptionValues,
} from "./socket/option-types.js";
export type { SocketClassName } from "./socket/option-table.js";
export type { XPublisherOptions } from "./socket/publisher.js";
export type { MessageLike } from "./socket/frames.js";
export type { OperationOptions } from "./socket/socket.js";
export { splitEnvelope } from "./socket/envelope.js";
export { endpointPort } from "./transport/endpoint.js";
export {
  SocketEvents,
  type EventAddress,
  type EventError,
  type EventFor,
  type SocketEvent,
  type SocketEventListener,
  type SocketEventType,
} from "./events.js";
// The native package's names for the same things.
export { Observer, type ObserverConstructor } from "./observer.js";
/** The native package's name for the socket's events (see SocketEvents). */
export type Observer = SocketEventsType;
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
export { Context, type ContextOptions, context } from "./context.js";
/**
 * The native package's Proxy (libzmq's zmq_proxy_steerable): forwards every message from the
 * front-end to the back-end and back, until terminated. Called without `new`, it throws the
 * native package's TypeError.
 * @class
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the native package exports its Proxy under this name
export const Proxy: ProxyConstructor = /* @__PURE__ */ addonClass(ProxyClass);
/** A proxy between a front-end and a back-end socket: what `new Proxy(front, back)` makes. */
export type Proxy<F extends Socket = Socket, B extends Socket = Socket> = ProxyInstance<F, B>;
export { capability, version } from "./capability.js";
export { curveKeyPair, curvePublicKey } from "./curve-keypair.js";
export { Authenticator, type AuthenticatorOptions, type ZapSocket } from "./auth/authenticator.js";
export type {
  AuthDecision,
  AuthPolicy,
  AuthRequest,
  AuthRule,
  AuthVerdict,
  AuthVerdictDetail,
} from "./auth/policy.js";
export {
  type Certificate,
  createCertificate,
  formatCertificate,
  parseCertificate,
} from "./auth/certificate.js";
export { loadCertificate, type SavedCertificate, saveCertificate } from "./auth/certificate-files.js";
export { CertificateStore, type CertificateStoreOptions } from "./auth/certificate-store.js";
export type { SocketTypeName } from "./engine/socket-types.js";
export type {
  Transport,
  Carrier,
  CarrierHandlers,
  ConnectOptions,
  Listener,
  ListenOptions,
} from "./transport/carrier.js";
export type { WsAccess } from "./transport/ws/ws-access.js";

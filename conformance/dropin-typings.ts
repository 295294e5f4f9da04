/**
 * The native package's declarations against ours, exhaustively, at compile time (`npm test`
 * type-checks this file; it is never run): every export of `zeromq` exists here, every member of
 * every class, and each member's type fits where the native one is expected. Together with the
 * programs of dropin-types.ts (code written for the native typings, compiled against ours).
 */
import type * as Native from "zeromq";
import type * as NativeDraft from "zeromq/draft.js";
import type * as OursDraft from "../src/zmq/draft.js";
import type * as Ours from "../src/zmq/index.js";

/** Each native class (its instance type) beside ours. */
type Pairs = {
  Pair: [Native.Pair, Ours.Pair];
  Publisher: [Native.Publisher, Ours.Publisher];
  Subscriber: [Native.Subscriber, Ours.Subscriber];
  Request: [Native.Request, Ours.Request];
  Reply: [Native.Reply, Ours.Reply];
  Dealer: [Native.Dealer, Ours.Dealer];
  Router: [Native.Router, Ours.Router];
  Pull: [Native.Pull, Ours.Pull];
  Push: [Native.Push, Ours.Push];
  XPublisher: [Native.XPublisher, Ours.XPublisher];
  XSubscriber: [Native.XSubscriber, Ours.XSubscriber];
  Stream: [Native.Stream, Ours.Stream];
  Socket: [Native.Socket, Ours.Socket];
  Context: [Native.Context, Ours.Context];
  Observer: [Native.Observer, Ours.Observer];
  Proxy: [Native.Proxy, Ours.Proxy];
};

/**
 * Members typed with the library's own classes (a socket's context and events, a proxy's
 * sockets) cannot be the other library's; and the generic on()/off() of the Observer cannot be
 * compared for every event type at once (TypeScript does not resolve the conditional types for
 * an unknown type): their use with each event type is compiled in dropin-types.ts.
 */
type OwnTyped = "context" | "events" | "frontEnd" | "backEnd" | "on" | "off";

/** Classes side by side: [native, ours]. */
type Side = Record<string, [unknown, unknown]>;
type Missing<P extends Side, C extends keyof P> = Exclude<keyof P[C][0], keyof P[C][1]>;
type Common<P extends Side, C extends keyof P> = Exclude<keyof P[C][0] & keyof P[C][1], OwnTyped>;
/** Members whose type here does not fit where the native one is expected. */
type Misfit<P extends Side, C extends keyof P> = {
  [K in Common<P, C>]: P[C][1][K] extends P[C][0][K] ? never : K;
}[Common<P, C>];
type IsNever<T> = [T] extends [never] ? true : false;

export const everyMemberExists: { [C in keyof Pairs]: IsNever<Missing<Pairs, C>> } = {
  Pair: true,
  Publisher: true,
  Subscriber: true,
  Request: true,
  Reply: true,
  Dealer: true,
  Router: true,
  Pull: true,
  Push: true,
  XPublisher: true,
  XSubscriber: true,
  Stream: true,
  Socket: true,
  Context: true,
  Observer: true,
  Proxy: true,
};

export const everyMemberFits: { [C in keyof Pairs]: IsNever<Misfit<Pairs, C>> } = everyMemberExists;

/** Every value export of the native module (its CommonJS `default` aside). */
export const everyExportExists: IsNever<Exclude<keyof typeof Native, keyof typeof Ours | "default">> = true;

/** The native module's type exports, each named here. */
export type TypeExports = [
  Ours.Message,
  Ours.MessageLike,
  Ours.Event,
  Ours.EventType,
  Ours.EventOfType<"bind">,
  Ours.Readable,
  Ours.Writable,
  Ours.SocketOptions<Ours.Dealer>,
  Ours.EventSubscriber,
  Ours.RouterConnectOptions,
  Ours.StreamConnectOptions,
];

/** The draft entry (`zeromq/draft` and `plantrpc/zmq/draft`), the same way. */
type DraftPairs = {
  Server: [NativeDraft.Server, OursDraft.Server];
  Client: [NativeDraft.Client, OursDraft.Client];
  Radio: [NativeDraft.Radio, OursDraft.Radio];
  Dish: [NativeDraft.Dish, OursDraft.Dish];
  Gather: [NativeDraft.Gather, OursDraft.Gather];
  Scatter: [NativeDraft.Scatter, OursDraft.Scatter];
  Datagram: [NativeDraft.Datagram, OursDraft.Datagram];
};

export const everyDraftMemberExists: { [C in keyof DraftPairs]: IsNever<Missing<DraftPairs, C>> } = {
  Server: true,
  Client: true,
  Radio: true,
  Dish: true,
  Gather: true,
  Scatter: true,
  Datagram: true,
};
export const everyDraftMemberFits: { [C in keyof DraftPairs]: IsNever<Misfit<DraftPairs, C>> } = everyDraftMemberExists;

/** Every value export of the native draft entry. */
export const everyDraftExportExists: IsNever<Exclude<keyof typeof NativeDraft, keyof typeof OursDraft | "default">> =
  true;

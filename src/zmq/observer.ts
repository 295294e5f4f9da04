import { SocketEvents } from "./events.js";
import { isSocket } from "./socket/socket-core.js";
import type { Socket } from "./socket/socket.js";
import { addonClass, expectArguments } from "./util/arguments.js";

/** The Observer's constructor: `new Observer(socket)`. */
export interface ObserverConstructor {
  /** The socket's events, as `socket.events` gives them (and its ENOTSOCK); not a socket: an Error. */
  new (socket: Socket): SocketEvents;
  /** SocketEvents' prototype: every socket's events are instances of Observer. */
  readonly prototype: SocketEvents;
}

/**
 * The native package's Observer: `new Observer(socket)` gives the socket's events (the same as
 * `socket.events`), and the class is what those events are an instance of.
 */
export const Observer: ObserverConstructor = /* @__PURE__ */ addonClass(
  new Proxy(SocketEvents, {
    construct(_target, args: unknown[]) {
      const [socket] = args;
      expectArguments(args.length, 1);
      if (typeof socket !== "object" || socket === null) throw new TypeError("Socket must be a socket object");
      // An object that is no socket of ours: the native package's plain Error, without a code.
      if (!isSocket(socket)) throw new Error("Invalid argument");
      return socket.events;
    },
  }) as unknown as ObserverConstructor,
);

import { SocketEvents } from "./events.js";
import { Socket } from "./socket/socket.js";
import { addonClass } from "./util/arguments.js";

/**
 * The native package's Observer: `new Observer(socket)` gives the socket's events (the same as
 * `socket.events`), and the class is what those events are an instance of.
 */
export const Observer: typeof SocketEvents = addonClass(
  new Proxy(SocketEvents, {
    construct(_target, args: unknown[]) {
      const [socket] = args;
      if (args.length > 1) throw new TypeError(`Expected 1 argument but received ${args.length}`);
      if (typeof socket !== "object" || socket === null) throw new TypeError("Socket must be a socket object");
      // An object that is no socket of ours: the native package's plain Error, without a code.
      if (!(socket instanceof Socket)) throw new Error("Invalid argument");
      return socket.events;
    },
  }),
);

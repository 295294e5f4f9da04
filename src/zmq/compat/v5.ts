/**
 * The callback API of `zeromq` v5, as the native package keeps it in `zeromq/v5-compat`:
 * `zmq.socket("req")`, `send(msg, flags, cb)`, `on("message", (...frames) => ...)`,
 * `setsockopt`/`getsockopt`, `monitor()`. Each socket wraps a socket of the v6 API.
 */
import type { Buffer } from "node:buffer";
import { capability as capabilities, version as libzmqVersion } from "../capability.js";
import { context as defaultContext } from "../context.js";
import { curveKeyPair } from "../curve-keypair.js";
import { LONG_OPTIONS, SHORT_OPTIONS } from "./v5-options.js";
import { EventEmitter } from "node:events";
import { type Callback, CompatSocket, INIT_SOCKET, type SocketType } from "./v5-socket.js";

export * from "./v5-constants.js";
export { LONG_OPTIONS };
export { SHORT_OPTIONS as options };
/** The libzmq version whose behaviour this implementation follows. */
export const version: typeof libzmqVersion = libzmqVersion;

/** The socket type names of the v5 API: `"req"`, `"pub"`... (and libzmq's numbers). */
export type { SocketType };
/** What bind(), unbind() and send() call once done: with the error, when there was one. */
export type { Callback };

/** The v5 Context: process-wide settings, as static methods. */
// biome-ignore lint/complexity/noStaticOnlyClass: the v5 API is this class with static methods
export class Context {
  /** The default context's ioThreads (kept, no effect here: one event loop carries every socket). */
  static setMaxThreads(value: number): void {
    defaultContext.ioThreads = value;
  }
  /** The default context's ioThreads. */
  static getMaxThreads(): number {
    return defaultContext.ioThreads;
  }
  /** The default context's maxSockets. */
  static setMaxSockets(value: number): void {
    defaultContext.maxSockets = value;
  }
  /** The default context's maxSockets. */
  static getMaxSockets(): number {
    return defaultContext.maxSockets;
  }
}

/** The v5 socket: `new zmq.Socket("req")`, or `zmq.socket("req")`. */
export interface Socket extends CompatSocket {}

/**
 * The v5 socket's constructor. As zeromq 5's constructor function, it may be called without
 * `new`, and a subclass made the pre-class way (`zmq.Socket.call(this, type)` in its own
 * constructor function, its prototype made with `Object.create(zmq.Socket.prototype)` or
 * `util.inherits`) gets a working socket; `class X extends zmq.Socket` works too.
 */
export interface SocketConstructor {
  /** A socket of that type; an unknown type throws an Error. */
  new (type: SocketType): Socket;
  /** The same, called without `new`. */
  (type: SocketType): Socket;
  /** The prototype of every v5 socket (for subclasses made the pre-class way). */
  readonly prototype: Socket;
}

/** The v5 socket's constructor (see SocketConstructor). */
export const Socket: SocketConstructor = new Proxy(CompatSocket, {
  apply(target, self: unknown, [type]: [SocketType]) {
    if (self instanceof target) {
      // zmq.Socket.call(this, type): this object becomes the socket.
      EventEmitter.call(self);
      (self as CompatSocket)[INIT_SOCKET](type);
      return self;
    }
    return new target(type);
  },
}) as unknown as SocketConstructor;

/** `zmq.socket(type, options)`: each option is assigned as a property (`identity`, `linger`...). */
export function createSocket(type: SocketType, options: Record<string, unknown> = {}): Socket {
  const socket = new CompatSocket(type);
  for (const [key, value] of Object.entries(options)) (socket as unknown as Record<string, unknown>)[key] = value;
  return socket;
}

export { createSocket as socket };

/**
 * Forwards between two v5 sockets, as the native compat layer's proxy: push/pull, pull/push,
 * xpub/xsub, router/dealer (xrep/xreq) only, anything else throws. The capture socket gets what
 * comes back from the backend (for router/dealer without the routing envelope's two frames).
 */
export function proxy(frontend: Socket, backend: Socket, capture?: Socket): void {
  const pair = `${frontend.type}/${backend.type}`;
  const envelope = pair === "router/dealer" || pair === "xrep/xreq";
  if (!envelope && !["push/pull", "pull/push", "xpub/xsub"].includes(pair)) {
    throw new Error("This socket type order is not supported in compatibility mode");
  }
  frontend.on("message", (...frames: Buffer[]) => backend.send(frames));
  backend.on("message", (...frames: Buffer[]) => {
    frontend.send(frames);
    capture?.send(envelope ? frames.slice(2) : frames);
  });
}

/** A new CURVE key pair as Z85 text, named as the v5 API names it. */
export function curveKeypair(): {
  /** The public key, 40 characters of Z85: for peers (a server's goes in the clients' curve_serverkey). */
  public: string;
  /** The secret key, 40 characters of Z85: for this side's curve_secretkey only. */
  secret: string;
} {
  const { publicKey, secretKey } = curveKeyPair();
  return { public: publicKey, secret: secretKey };
}

/** What exists here (see the main entry's `capability`). */
export const capability: typeof capabilities = capabilities;

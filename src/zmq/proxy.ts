import { ZmqError } from "./errors.js";
import { isSocket } from "./socket/socket-core.js";
import { ENDPOINT_COUNT, type Socket } from "./socket/socket.js";
import { expectArguments } from "./util/arguments.js";

/**
 * The native package's Proxy (libzmq's zmq_proxy_steerable): forwards every message from the
 * front-end to the back-end and back, until terminated; then both sockets are closed.
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the native package exports its Proxy under this name
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  private state: "new" | "running" | "done" = "new";
  private paused: { promise: Promise<void>; resume: () => void } | undefined;

  constructor(
    /** The front-end (a ROUTER, an XSUB...): what it receives goes out through backEnd; terminate() closes it. */
    readonly frontEnd: F,
    /** The back-end (a DEALER, an XPUB...): what it receives goes out through frontEnd; terminate() closes it. */
    readonly backEnd: B,
  ) {
    // The native package's checks, in its order and words.
    expectArguments(arguments.length, 2);
    if (typeof frontEnd !== "object" || frontEnd === null) throw new TypeError("Front-end must be a socket object");
    if (typeof backEnd !== "object" || backEnd === null) throw new TypeError("Back-end must be a socket object");
    // An object that is no socket of ours: the native package's plain Error, without a code.
    if (!isSocket(frontEnd) || !isSocket(backEnd)) throw new Error("Invalid argument");
  }

  /** Forwards until terminate(); both sockets must be bound or connected first. */
  async run(): Promise<void> {
    if (this.state !== "new") throw closedControl();
    if (this.frontEnd[ENDPOINT_COUNT]() === 0) {
      throw new ZmqError("EINVAL", "the front-end has no endpoint", {
        message: "Front-end socket must be bound or connected",
      });
    }
    if (this.backEnd[ENDPOINT_COUNT]() === 0) {
      throw new ZmqError("EINVAL", "the back-end has no endpoint", {
        message: "Back-end socket must be bound or connected",
      });
    }
    this.state = "running";
    await Promise.all([this.forward(this.frontEnd, this.backEnd), this.forward(this.backEnd, this.frontEnd)]);
  }

  /** Holds messages (those in flight wait too) until resume(). */
  pause(): void {
    this.assertRunning();
    if (this.paused) return;
    let resume = () => {};
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { promise, resume };
  }

  /** Lets held messages through again (after pause()). */
  resume(): void {
    this.assertRunning();
    this.paused?.resume();
    this.paused = undefined;
  }

  /** Stops forwarding and closes both sockets; run() resolves soon after. */
  terminate(): void {
    this.assertRunning();
    this.state = "done";
    this.paused?.resume();
    this.frontEnd.close();
    this.backEnd.close();
  }

  private async forward(from: Socket, to: Socket): Promise<void> {
    for await (const message of from) {
      if (this.paused) await this.paused.promise;
      if (this.state !== "running") return;
      try {
        await to.send(message);
      } catch (e) {
        if (to.closed) return;
        throw e;
      }
    }
  }

  private assertRunning(): void {
    if (this.state !== "running") throw closedControl();
  }
}

/** The native package's control socket exists only while the proxy runs. */
function closedControl(): ZmqError {
  return new ZmqError("EBADF", "the proxy is not running");
}

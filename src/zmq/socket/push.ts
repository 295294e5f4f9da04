import { ZmqError } from "../errors.js";
import { LoadBalancedSocket } from "./load-balanced.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass } from "./socket.js";

const /** @ignore @internal */ PushWithOptions: WithOptions<"Push", typeof LoadBalancedSocket> = withOptions(
    "Push",
    LoadBalancedSocket,
  );

/** PUSH: load-balances to PULL peers; send waits while every peer is at its high-water mark. */
export class Push extends PushWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "PUSH" as const;
  static {
    registerSocketClass("PUSH", Push);
  }

  /**
   * A PUSH socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Push>) {
    super();
    this.configure(options, Push);
  }

  /** @ignore @internal */
  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "PUSH sockets cannot receive");
  }
}

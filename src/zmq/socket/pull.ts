import { ZmqError } from "../errors.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass, Socket } from "./socket.js";

const /** @ignore @internal */ PullWithOptions: WithOptions<"Pull", typeof Socket> = withOptions("Pull", Socket);

/** PULL: fair-queues messages from PUSH peers. */
export class Pull extends PullWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "PULL" as const;
  static {
    registerSocketClass("PULL", Pull);
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return false;
  }

  /**
   * A PULL socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Pull>) {
    super();
    this.configure(options, Pull);
  }

  /** @ignore @internal */
  protected override prepareSend(): never {
    throw new ZmqError("ENOTSUP", "PULL sockets cannot send");
  }

  /** @ignore @internal */
  protected override trySend(): boolean {
    return false;
  }
}

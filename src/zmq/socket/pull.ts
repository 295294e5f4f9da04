import { ZmqError } from "../errors.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass, Socket } from "./socket.js";

const PullWithOptions: WithOptions<"Pull", typeof Socket> = withOptions("Pull", Socket);

/** PULL: fair-queues messages from PUSH peers. */
export class Pull extends PullWithOptions {
  readonly socketType = "PULL" as const;
  static {
    registerSocketClass("PULL", Pull);
  }

  protected override canSendNow(): boolean {
    return false;
  }

  constructor(options?: SocketOptions<Pull>) {
    super();
    this.configure(options, Pull);
  }

  protected override prepareSend(): never {
    throw new ZmqError("ENOTSUP", "PULL sockets cannot send");
  }

  protected override trySend(): boolean {
    return false;
  }
}

import { ZmqError } from "../errors.js";
import { Socket, type SocketOptions } from "./socket-base.js";

/** PULL: fair-queues messages from PUSH peers. */
export class Pull extends Socket {
  readonly socketType = "PULL" as const;
  declare conflate: boolean;

  protected override canSendNow(): boolean {
    return false;
  }

  constructor(options?: SocketOptions) {
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

import { ZmqError } from "../../errors.js";
import { LoadBalancedSocket } from "../load-balanced.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Message } from "../pipe.js";
import { registerSocketClass } from "../socket.js";
import { singleFrame } from "./single-frame.js";

const /** @ignore @internal */ ScatterWithOptions: WithOptions<"Scatter", typeof LoadBalancedSocket> = withOptions(
    "Scatter",
    LoadBalancedSocket,
  );

/** SCATTER (draft): PUSH's single-frame counterpart; load-balances to GATHER peers. */
export class Scatter extends ScatterWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "SCATTER" as const;
  static {
    registerSocketClass("SCATTER", Scatter);
  }

  /**
   * A SCATTER socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Scatter>) {
    super();
    this.configure(options, Scatter);
  }

  /** @ignore @internal */
  protected override prepareSend(message: Message): Message {
    return singleFrame(message);
  }

  /** @ignore @internal */
  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "SCATTER sockets cannot receive");
  }
}

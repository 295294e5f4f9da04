import { ZmqError } from "../../errors.js";
import { LoadBalancedSocket } from "../load-balanced.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Message } from "../pipe.js";
import { registerSocketClass } from "../socket.js";
import { singleFrame } from "./single-frame.js";

const ScatterWithOptions: WithOptions<"Scatter", typeof LoadBalancedSocket> = withOptions(
  "Scatter",
  LoadBalancedSocket,
);

/** SCATTER (draft): PUSH's single-frame counterpart; load-balances to GATHER peers. */
export class Scatter extends ScatterWithOptions {
  readonly socketType = "SCATTER" as const;
  static {
    registerSocketClass("SCATTER", Scatter);
  }

  constructor(options?: SocketOptions<Scatter>) {
    super();
    this.configure(options, Scatter);
  }

  protected override prepareSend(message: Message): Message {
    return singleFrame(message);
  }

  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "SCATTER sockets cannot receive");
  }

  /** A GATHER never sends; whatever arrives is dropped. */
  protected override pipeMessage(): void {}
}

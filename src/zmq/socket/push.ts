import { ZmqError } from "../errors.js";
import { LoadBalancedSocket } from "./load-balanced.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass } from "./socket.js";

const PushWithOptions: WithOptions<"Push", typeof LoadBalancedSocket> = withOptions("Push", LoadBalancedSocket);

/** PUSH: load-balances to PULL peers; send waits while every peer is at its high-water mark. */
export class Push extends PushWithOptions {
  readonly socketType = "PUSH" as const;
  static {
    registerSocketClass("PUSH", Push);
  }

  constructor(options?: SocketOptions<Push>) {
    super();
    this.configure(options, Push);
  }

  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "PUSH sockets cannot receive");
  }

  /** A PULL never sends; whatever arrives is dropped. */
  protected override pipeMessage(): void {}
}

import { LoadBalancedSocket } from "./load-balanced.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass } from "./socket.js";

const /** @ignore @internal */ DealerWithOptions: WithOptions<"Dealer", typeof LoadBalancedSocket> = withOptions(
    "Dealer",
    LoadBalancedSocket,
  );

/** DEALER: load-balances out, fair-queues in, no envelope handling. */
export class Dealer extends DealerWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "DEALER" as const;
  static {
    registerSocketClass("DEALER", Dealer);
  }

  /**
   * A DEALER socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Dealer>) {
    super();
    this.configure(options, Dealer);
  }
}

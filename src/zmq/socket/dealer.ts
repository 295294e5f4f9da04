import { LoadBalancedSocket } from "./load-balanced.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass } from "./socket.js";

const DealerWithOptions: WithOptions<"Dealer", typeof LoadBalancedSocket> = withOptions("Dealer", LoadBalancedSocket);

/** DEALER: load-balances out, fair-queues in, no envelope handling. */
export class Dealer extends DealerWithOptions {
  readonly socketType = "DEALER" as const;
  static {
    registerSocketClass("DEALER", Dealer);
  }

  constructor(options?: SocketOptions<Dealer>) {
    super();
    this.configure(options, Dealer);
  }
}

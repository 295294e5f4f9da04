import { LoadBalancedSocket } from "./load-balanced.js";
import { type SocketOptions, withOptions } from "./options.js";

/** DEALER: load-balances out, fair-queues in, no envelope handling. */
export class Dealer extends withOptions("Dealer", LoadBalancedSocket) {
  readonly socketType = "DEALER" as const;

  constructor(options?: SocketOptions<Dealer>) {
    super();
    this.configure(options, Dealer);
  }
}

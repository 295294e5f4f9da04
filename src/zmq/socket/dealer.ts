import { LoadBalancedSocket } from "./load-balanced.js";
import { type SocketOptions, withOptions } from "./options.js";
import { registerSocketClass } from "./socket.js";

/** DEALER: load-balances out, fair-queues in, no envelope handling. */
export class Dealer extends withOptions("Dealer", LoadBalancedSocket) {
  readonly socketType = "DEALER" as const;
  static {
    registerSocketClass("DEALER", Dealer);
  }

  constructor(options?: SocketOptions<Dealer>) {
    super();
    this.configure(options, Dealer);
  }
}

import { LoadBalancedSocket } from "./load-balanced.js";
import type { SocketOptions } from "./socket-base.js";

/** DEALER: load-balances out, fair-queues in, no envelope handling. */
export class Dealer extends LoadBalancedSocket {
  readonly type = "DEALER" as const;

  constructor(options?: SocketOptions) {
    super();
    this.configure(options, Dealer);
  }
}

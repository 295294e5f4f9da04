import { LoadBalancedSocket } from "./load-balanced.js";
import type { SocketOptions } from "./socket-base.js";

/** DEALER: load-balances out, fair-queues in, no envelope handling. */
export class Dealer extends LoadBalancedSocket {
  readonly socketType = "DEALER" as const;
  declare routingId: string | null;
  declare probeRouter: boolean;
  declare conflate: boolean;

  constructor(options?: SocketOptions) {
    super();
    this.configure(options, Dealer);
  }
}

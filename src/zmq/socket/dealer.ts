import { LoadBalancer } from "../routing/load-balancer.js";
import type { Message, Pipe } from "./pipe.js";
import { Socket, type SocketOptions } from "./socket-base.js";

/** DEALER: load-balances out, fair-queues in, no envelope handling. */
export class Dealer extends Socket {
  readonly type = "DEALER" as const;
  private readonly lb = new LoadBalancer();

  constructor(options?: SocketOptions) {
    super();
    this.configure(options);
  }

  protected override trySend(message: Message): boolean {
    const pipe = this.lb.next();
    if (!pipe) return false;
    pipe.write(message);
    return true;
  }

  protected override pipeAdded(pipe: Pipe): void {
    this.lb.add(pipe);
  }

  protected override pipeRemoved(pipe: Pipe): void {
    this.lb.remove(pipe);
  }
}

import { ZmqError } from "../errors.js";
import { LoadBalancer } from "../routing/load-balancer.js";
import type { Message, Pipe } from "./pipe.js";
import { Socket, type SocketOptions } from "./socket-base.js";

/** PUSH: load-balances to PULL peers; send waits while every peer is at its high-water mark. */
export class Push extends Socket {
  readonly type = "PUSH" as const;
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

  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "PUSH sockets cannot receive");
  }

  protected override pipeMessage(): void {}

  protected override pipeAdded(pipe: Pipe): void {
    this.lb.add(pipe);
  }

  protected override pipeRemoved(pipe: Pipe): void {
    this.lb.remove(pipe);
  }
}

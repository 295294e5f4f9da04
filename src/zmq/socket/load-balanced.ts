import { LoadBalancer } from "../routing/load-balancer.js";
import type { Message, Pipe } from "./pipe.js";
import { Socket } from "./socket.js";

/** The sending side of PUSH, DEALER and REQ: round-robin over pipes with room. */
export abstract class LoadBalancedSocket extends Socket {
  /** @ignore @internal */
  protected readonly lb: LoadBalancer<Pipe> = new LoadBalancer<Pipe>();

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const pipe = this.lb.next();
    if (!pipe) return false;
    pipe.write(message);
    this.sentTo(pipe);
    return true;
  }

  /**
   * Hook: REQ remembers which peer must answer.
   * @ignore @internal
   */
  protected sentTo(_pipe: Pipe): void {}

  /** @ignore @internal */
  protected override pipeAdded(pipe: Pipe): void {
    this.lb.add(pipe);
  }

  /** @ignore @internal */
  protected override pipeRemoved(pipe: Pipe): void {
    this.lb.remove(pipe);
  }
}

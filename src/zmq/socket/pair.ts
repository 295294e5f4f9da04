import { ZmqError } from "../errors.js";
import type { Connection } from "../engine/connection.js";
import type { Message, Pipe } from "./pipe.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass, Socket } from "./socket.js";

const PairWithOptions: WithOptions<"Pair", typeof Socket> = withOptions("Pair", Socket);

/** PAIR: exactly one peer; a second one is refused. */
export class Pair extends PairWithOptions {
  readonly socketType = "PAIR" as const;
  static {
    registerSocketClass("PAIR", Pair);
  }
  private peer: Pipe | undefined;

  constructor(options?: SocketOptions<Pair>) {
    super();
    this.configure(options, Pair);
  }

  protected override acceptPeer(pipe: Pipe, _engine: Connection): ZmqError | undefined {
    if (this.peer && this.peer !== pipe) {
      return new ZmqError("EINVAL", "PAIR socket already has a peer");
    }
    return undefined;
  }

  protected override trySend(message: Message): boolean {
    const pipe = this.peer;
    if (!pipe || pipe.full) return false;
    pipe.write(message);
    return true;
  }

  protected override pipeAdded(pipe: Pipe): void {
    this.peer ??= pipe;
  }

  protected override pipeRemoved(pipe: Pipe): void {
    if (this.peer === pipe) this.peer = undefined;
  }
}

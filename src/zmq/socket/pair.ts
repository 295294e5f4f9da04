import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "./pipe.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass, Socket } from "./socket.js";

const /** @ignore @internal */ PairWithOptions: WithOptions<"Pair", typeof Socket> = withOptions("Pair", Socket);

/** PAIR: exactly one peer; a second one is refused. */
export class Pair extends PairWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "PAIR" as const;
  static {
    registerSocketClass("PAIR", Pair);
  }
  private peer: Pipe | undefined;

  /**
   * A PAIR socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Pair>) {
    super();
    this.configure(options, Pair);
  }

  /** @ignore @internal */
  protected override acceptPeer(pipe: Pipe): ZmqError | undefined {
    if (this.peer && this.peer !== pipe) {
      return new ZmqError("EINVAL", "PAIR socket already has a peer");
    }
    return undefined;
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const pipe = this.peer;
    if (!pipe || pipe.full) return false;
    pipe.write(message);
    return true;
  }

  /** @ignore @internal */
  protected override pipeAdded(pipe: Pipe): void {
    this.peer ??= pipe;
  }

  /** @ignore @internal */
  protected override pipeRemoved(pipe: Pipe): void {
    if (this.peer === pipe) this.peer = undefined;
  }
}

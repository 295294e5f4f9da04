import type { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "./pipe.js";
import { splitEnvelope } from "./envelope.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass, Socket } from "./socket.js";

const /** @ignore @internal */ ReplyWithOptions: WithOptions<"Reply", typeof Socket> = withOptions("Reply", Socket);

/**
 * REP: receives a request (fair-queued), keeps its envelope (everything up to the empty
 * delimiter), and sends the reply back along it to the same peer.
 */
export class Reply extends ReplyWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "REP" as const;
  static {
    registerSocketClass("REP", Reply);
  }
  private pending: { pipe: Pipe; envelope: Buffer[] } | undefined;
  private replyTo: Pipe | undefined;

  /**
   * A REP socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Reply>) {
    super();
    this.configure(options, Reply);
  }

  /** @ignore @internal */
  protected override checkReceive(): void {
    if (this.pending || this.waitingReceives > 0) {
      throw new ZmqError("EFSM", "REP socket must send a reply before receiving again");
    }
  }

  /** @ignore @internal */
  protected override deliver(pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    if (this.pending) return undefined;
    const request = splitEnvelope(message);
    if (!request) return undefined; // no envelope: not a request, drop it as libzmq does
    this.pending = { pipe, envelope: request.envelope };
    return request.body;
  }

  /** @ignore @internal */
  protected override prepareSend(message: Message): Message {
    const pending = this.pending;
    if (!pending) throw new ZmqError("EFSM", "REP socket must receive a request before replying");
    this.pending = undefined;
    this.replyTo = pending.pipe;
    return [...pending.envelope, ...message];
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return this.pending !== undefined;
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const pipe = this.replyTo;
    this.replyTo = undefined;
    // A peer that left, or one at its high-water mark, loses the reply (as with libzmq).
    if (pipe?.connected && !pipe.full) pipe.write(message);
    else this.dropCount++;
    return true;
  }
}

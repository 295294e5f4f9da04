import type { Buffer } from "node:buffer";
import { LoadBalancedSocket } from "../load-balanced.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Message, Pipe } from "../pipe.js";
import { type OperationOptions, registerSocketClass } from "../socket.js";
import { singleFrame } from "./single-frame.js";

const /** @ignore @internal */ ClientWithOptions: WithOptions<"Client", typeof LoadBalancedSocket> = withOptions(
    "Client",
    LoadBalancedSocket,
  );

/** CLIENT (draft): a SERVER's peer; load-balances out, fair-queues in, one frame per message. */
export class Client extends ClientWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "CLIENT" as const;
  static {
    registerSocketClass("CLIENT", Client);
  }

  /**
   * A CLIENT socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Client>) {
    super();
    this.configure(options, Client);
  }

  /** @ignore @internal */
  protected override prepareSend(message: Message): Message {
    return singleFrame(message);
  }

  /** A multipart message from a peer is dropped, as libzmq's client does. */
  /** One frame per message: `[message]`, as the native package types it. */
  override receive(options?: OperationOptions): Promise<[Buffer]> {
    return super.receive(options) as Promise<[Buffer]>;
  }

  /** Receives until the socket is closed: single-frame messages. */
  override [Symbol.asyncIterator](): AsyncIterator<[Buffer]> {
    return super[Symbol.asyncIterator]() as AsyncIterator<[Buffer]>;
  }

  /** @ignore @internal */
  protected override deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    return message.length === 1 ? message : undefined;
  }
}

import type { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Pipe } from "../pipe.js";
import { type OperationOptions, registerSocketClass, Socket } from "../socket.js";

const /** @ignore @internal */ GatherWithOptions: WithOptions<"Gather", typeof Socket> = withOptions("Gather", Socket);

/** GATHER (draft): PULL's single-frame counterpart; fair-queues what SCATTER peers send. */
export class Gather extends GatherWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "GATHER" as const;
  static {
    registerSocketClass("GATHER", Gather);
  }

  /**
   * A GATHER socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Gather>) {
    super();
    this.configure(options, Gather);
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return false;
  }

  /** @ignore @internal */
  protected override prepareSend(): never {
    throw new ZmqError("ENOTSUP", "GATHER sockets cannot send");
  }

  /** @ignore @internal */
  protected override trySend(): boolean {
    return false;
  }

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

import type { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Pipe } from "../pipe.js";
import { type OperationOptions, registerSocketClass, Socket } from "../socket.js";

const GatherWithOptions: WithOptions<"Gather", typeof Socket> = withOptions("Gather", Socket);

/** GATHER (draft): PULL's single-frame counterpart; fair-queues what SCATTER peers send. */
export class Gather extends GatherWithOptions {
  readonly socketType = "GATHER" as const;
  static {
    registerSocketClass("GATHER", Gather);
  }

  constructor(options?: SocketOptions<Gather>) {
    super();
    this.configure(options, Gather);
  }

  protected override canSendNow(): boolean {
    return false;
  }

  protected override prepareSend(): never {
    throw new ZmqError("ENOTSUP", "GATHER sockets cannot send");
  }

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

  protected override deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    return message.length === 1 ? message : undefined;
  }
}

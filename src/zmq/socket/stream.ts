import { Buffer } from "node:buffer";
import type { Connection, ConnectionOwner } from "../engine/connection.js";
import { ZmqError } from "../errors.js";
import { RawConnection } from "../engine/raw-connection.js";
import type { Carrier } from "../transport/carrier.js";
import type { Message, Pipe } from "./pipe.js";
import type { MessageLike } from "./frames.js";
import { RouterBase } from "./router.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { type OperationOptions, registerSocketClass } from "./socket.js";

const EMPTY = Buffer.alloc(0);

const /** @ignore @internal */ StreamWithOptions: WithOptions<"Stream", typeof RouterBase> = withOptions(
    "Stream",
    RouterBase,
  );

/**
 * STREAM: raw TCP with peers that do not speak ZeroMQ. As a ROUTER, every message names its
 * peer: received `[routingId, bytes]`, sent `[routingId, bytes]`; `[routingId, ""]` received
 * means the peer connected or left (with `notify`, the default), and sent, closes that
 * connection.
 */
export class Stream extends StreamWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "STREAM" as const;
  static {
    registerSocketClass("STREAM", Stream);
  }

  /**
   * A STREAM socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Stream>) {
    super();
    this.configure(options, Stream);
  }

  /** `[routingId, bytes]`, as the native package types it. */
  override receive(options?: OperationOptions): Promise<[Buffer, Buffer]> {
    return super.receive(options) as Promise<[Buffer, Buffer]>;
  }

  /** `[routingId, bytes]` (or `[routingId, ""]` to close that connection). */
  override send(message: [MessageLike, MessageLike] | MessageLike[], options?: OperationOptions): Promise<void> {
    return super.send(message, options);
  }

  /** Receives until the socket is closed: [routing id, data] pairs. */
  override [Symbol.asyncIterator](): AsyncIterator<[Buffer, Buffer]> {
    return super[Symbol.asyncIterator]() as AsyncIterator<[Buffer, Buffer]>;
  }

  /** @ignore @internal */
  protected override openConnection(
    carrier: Carrier,
    _mechanism: unknown,
    _bound: boolean,
    owner: ConnectionOwner,
  ): Connection {
    return new RawConnection(carrier, owner);
  }

  /** @ignore @internal */
  override pipeConnected(pipe: Pipe): void {
    super.pipeConnected(pipe);
    if (this.option("notify")) this.pipeMessage(pipe, [EMPTY]);
  }

  /** @ignore @internal */
  override pipeDisconnected(pipe: Pipe): void {
    if (this.option("notify") && pipe.routingId) this.pipeMessage(pipe, [EMPTY]);
    super.pipeDisconnected(pipe);
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const pipe = this.peerById(message[0]!);
    // As libzmq: a STREAM socket refuses messages to unknown peers, whatever `mandatory` says.
    if (!pipe) throw new ZmqError("EHOSTUNREACH", "no connection with that routing id");
    if (message.slice(1).every((frame) => frame.length === 0)) {
      // `[routingId, ""]`: close that connection, after what was sent to it.
      this.forgetPeer(pipe);
      pipe.closeAfterQueued();
      return true;
    }
    return super.trySend(message);
  }
}

import type { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Message, Pipe } from "../pipe.js";
import { type OperationOptions, registerSocketClass, Socket } from "../socket.js";

const /** @ignore @internal */ DatagramWithOptions: WithOptions<"Datagram", typeof Socket> = withOptions(
    "Datagram",
    Socket,
  );

/**
 * DGRAM (draft): bare UDP datagrams, udp:// only. A message is two frames: the "ip:port" of the
 * other end, then the body; received messages name their sender so ("ip:port" and a zero octet,
 * as libzmq writes it). As libzmq's, it uses its
 * first link (a bind or a connect); a message to an address that does not parse is dropped.
 */
export class Datagram extends DatagramWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "DGRAM" as const;
  static {
    registerSocketClass("DGRAM", Datagram);
  }

  /**
   * A DGRAM socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Datagram>) {
    super();
    this.configure(options, Datagram);
  }

  /** @ignore @internal */
  protected override prepareSend(message: Message): Message {
    if (message.length !== 2) throw new ZmqError("EINVAL", "a DGRAM message is two frames: address, then body");
    return message;
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const [pipe] = this.pipes;
    // No link yet: the send waits for one, as the native package's does.
    if (!pipe || pipe.full) return false;
    pipe.write(message);
    return true;
  }

  /** The next datagram: `[address, data]`, as the native package types it. */
  override receive(options?: OperationOptions): Promise<[Buffer, Buffer]> {
    return super.receive(options) as Promise<[Buffer, Buffer]>;
  }

  /** Receives until the socket is closed: [address, data] pairs. */
  override [Symbol.asyncIterator](): AsyncIterator<[Buffer, Buffer]> {
    return super[Symbol.asyncIterator]() as AsyncIterator<[Buffer, Buffer]>;
  }

  /** @ignore @internal */
  protected override deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    return message.length === 2 ? message : undefined;
  }
}

import { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";
import { type MessageLike, toFrames } from "../frames.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Message, Pipe } from "../pipe.js";
import { type OperationOptions, registerSocketClass, Socket } from "../socket.js";
import { assertOptionsObject, singleFrame } from "./single-frame.js";

/** Which peer a SERVER message comes from or goes to. */
export interface ServerRoutingOptions {
  /** The peer's routing id: a number from 1 to 2^32 - 1 that the SERVER gave the connection. */
  routingId: number;
}

/** A peer's routing id, as the frame the SERVER's queue carries beside the body. */
const ID_OCTETS = 4;

const /** @ignore @internal */ ServerSocketWithOptions: WithOptions<"Server", typeof Socket> = withOptions(
    "Server",
    Socket,
  );

/**
 * SERVER (draft): libzmq's thread-safe ROUTER. It numbers each peer (a random start, then one
 * up, never 0), gives that number with each message received, and sends each message to the
 * peer numbered in its options; one frame per message; an unknown number is EHOSTUNREACH. Its
 * public type is Server's.
 * @internal
 */
export class ServerSocket extends ServerSocketWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "SERVER" as const;
  static {
    registerSocketClass("SERVER", ServerSocket as never);
  }
  private readonly peers = new Map<number, Pipe>();
  private nextId = (Math.random() * 0x1_0000_0000) >>> 0;

  /**
   * A SERVER socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<ServerSocket>) {
    super();
    this.configure(options, ServerSocket);
  }

  override send(
    message: MessageLike | MessageLike[],
    options?: ServerRoutingOptions & OperationOptions,
  ): Promise<void> {
    let frames: Message;
    try {
      assertOptionsObject(options);
      const id = routingIdOf(options.routingId);
      const body = singleFrame(toFrames(message))[0]!;
      const address = Buffer.allocUnsafe(ID_OCTETS);
      address.writeUInt32LE(id, 0);
      frames = [address, body];
    } catch (e) {
      return Promise.reject(e);
    }
    return super.send(frames as Buffer[], options);
  }

  // Typed by the exported Server interface: [message, { routingId }].
  // biome-ignore lint/suspicious/noExplicitAny: the public type is Server's (below)
  override receive(options?: OperationOptions): Promise<any> {
    return super.receive(options).then(routed);
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const address = message[0]!;
    const id = (address[0]! | (address[1]! << 8) | (address[2]! << 16) | (address[3]! << 24)) >>> 0;
    const pipe = this.peers.get(id);
    if (!pipe) throw new ZmqError("EHOSTUNREACH", `no peer with routing id ${id}`);
    if (pipe.full) return false;
    pipe.write([message[1]!]);
    return true;
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return true; // a message that finds no room fails or waits by its peer, not the socket's
  }

  /** @ignore @internal */
  protected override pipeAdded(pipe: Pipe): void {
    let id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    if (id === 0) {
      id = this.nextId;
      this.nextId = (this.nextId + 1) >>> 0;
    }
    const address = Buffer.allocUnsafe(ID_OCTETS);
    address.writeUInt32LE(id, 0);
    pipe.routingId = address;
    this.peers.set(id, pipe);
  }

  /** @ignore @internal */
  protected override pipeRemoved(pipe: Pipe): void {
    if (pipe.routingId) this.peers.delete(pipe.routingId.readUInt32LE(0));
  }

  /**
   * [body, routing id]; a multipart message from a peer is dropped, as libzmq's server does.
   * @ignore @internal
   */
  protected override deliver(pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    if (message.length !== 1 || !pipe.routingId) return undefined;
    return [message[0]!, pipe.routingId];
  }
}

function routingIdOf(value: unknown): number {
  if (value === undefined) throw new ZmqError("EINVAL", "a SERVER send needs options.routingId");
  if (typeof value !== "number") throw new TypeError("A number was expected");
  if (!Number.isInteger(value) || value < 1 || value > 0xffff_ffff) {
    throw new ZmqError("EINVAL", `routing id ${value} is not a number from 1 to 2^32 - 1`);
  }
  return value;
}

function routed([body, id]: Buffer[]): [Buffer, ServerRoutingOptions] {
  return [body!, { routingId: id!.readUInt32LE(0) }];
}

// The @property tags are for the API reference: TypeDoc finds no description for the socket's
// getters once Omit made them properties (editors show the getters' own).
/**
 * SERVER (draft), as the native package types it.
 * @property type - libzmq's number for this socket type (ZMQ_SERVER = 12).
 * @property closed - The socket is closed (a close() during a bind or unbind takes effect once
 * that settles).
 * @property droppedMessages - Messages this socket discarded as its type allows (plantrpc counts
 * them; libzmq drops them silently).
 * @property lastEndpoint - The last endpoint bound, with the port the OS chose.
 * @property readable - A receive() would resolve at once.
 * @property writable - A send() would not have to wait.
 * @property securityMechanism - "plain" or "curve" once a security mechanism is set; null for
 * NULL security.
 * @property threadSafe - True, as libzmq says of the draft types (here one event loop owns each
 * socket; threads talk over inproc).
 * @property events - The socket's events (the native package's Observer); they are kept from the
 * first look.
 */
export interface Server extends Omit<ServerSocket, "send" | "receive" | typeof Symbol.asyncIterator> {
  /** Sends one frame to the client `options.routingId` names. */
  send(message: MessageLike, options: ServerRoutingOptions & OperationOptions): Promise<void>;
  /** The next message, with the routing id of the client that sent it. */
  receive(options?: OperationOptions): Promise<[Buffer, ServerRoutingOptions]>;
  /** Receives until the socket is closed: each message with the routing id of its client. */
  [Symbol.asyncIterator](): AsyncIterator<[Buffer, ServerRoutingOptions]>;
}

/** SERVER (draft): single-frame messages with CLIENT peers, each known by a routing id. */
export const Server = ServerSocket as unknown as {
  /** A SERVER socket with the options given. */
  new (options?: SocketOptions<ServerSocket>): Server;
  /** The prototype of every SERVER socket (what `instanceof Server` looks for). */
  readonly prototype: Server;
};

import type { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Pipe } from "../pipe.js";
import { type OperationOptions, registerSocketClass, Socket } from "../socket.js";
import { checkedGroup, groupKey } from "./groups.js";

/** The group a DISH message came to. */
export interface DishGroupOptions {
  /** The group's name, as the RADIO sent it. */
  group: Buffer;
}

const /** @ignore @internal */ DishSocketWithOptions: WithOptions<"Dish", typeof Socket> = withOptions("Dish", Socket);

/**
 * DISH (draft): SUB by exact group. join() and leave() tell every RADIO peer (JOIN / LEAVE
 * commands; again to each peer that connects); a message arrives as group and body, and is
 * received as [body, { group }] when the group is joined here. Its public type is Dish's.
 * @internal
 */
export class DishSocket extends DishSocketWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "DISH" as const;
  static {
    registerSocketClass("DISH", DishSocket as never);
  }
  private readonly groups = new Map<string, Buffer>();

  /**
   * A DISH socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<DishSocket>) {
    super();
    this.configure(options, DishSocket);
  }

  /** Joins groups (strings or buffers, at most 255 octets); joining one twice is EINVAL. */
  join(...values: Array<Buffer | string>): void {
    this.assertReady();
    for (const value of values) {
      const group = checkedGroup(value);
      const key = groupKey(group);
      if (this.groups.has(key)) throw new ZmqError("EINVAL", `group ${key} is already joined`);
      this.groups.set(key, group);
      for (const pipe of this.pipes) if (pipe.connected) pipe.sendGroup(true, group);
    }
  }

  /** Leaves groups; leaving one not joined is EINVAL. */
  leave(...values: Array<Buffer | string>): void {
    this.assertReady();
    for (const value of values) {
      const group = checkedGroup(value);
      const key = groupKey(group);
      if (!this.groups.delete(key)) throw new ZmqError("EINVAL", `group ${key} is not joined`);
      for (const pipe of this.pipes) if (pipe.connected) pipe.sendGroup(false, group);
    }
  }

  // Typed by the exported Dish interface: [message, { group }].
  // biome-ignore lint/suspicious/noExplicitAny: the public type is Dish's (below)
  override receive(options?: OperationOptions): Promise<any> {
    return super.receive(options).then(([body, group]) => [body, { group }]);
  }

  /** @ignore @internal */
  protected override prepareSend(): never {
    throw new ZmqError("ENOTSUP", "DISH sockets cannot send");
  }

  /**
   * As libzmq's DISH reports it (a send still fails with ENOTSUP).
   * @ignore @internal
   */
  protected override canSendNow(): boolean {
    return true;
  }

  /** @ignore @internal */
  protected override trySend(): boolean {
    return false;
  }

  /** @ignore @internal */
  override pipeConnected(pipe: Pipe): void {
    for (const group of this.groups.values()) pipe.sendGroup(true, group);
  }

  /**
   * [body, group], when the group is joined (a RADIO over UDP sends every group).
   * @ignore @internal
   */
  protected override deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    if (message.length !== 2 || !this.groups.has(groupKey(message[0]!))) return undefined;
    return [message[1]!, message[0]!];
  }
}

// The @property tags are for the API reference: TypeDoc finds no description for the socket's
// getters once Omit made them properties (editors show the getters' own).
/**
 * DISH (draft), as the native package types it.
 * @property type - libzmq's number for this socket type (ZMQ_DISH = 15).
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
export interface Dish extends Omit<DishSocket, "receive" | typeof Symbol.asyncIterator> {
  /** The next message of a group joined, with the group's name. */
  receive(options?: OperationOptions): Promise<[Buffer, DishGroupOptions]>;
  /** Receives until the socket is closed: each message with its group. */
  [Symbol.asyncIterator](): AsyncIterator<[Buffer, DishGroupOptions]>;
}

/** DISH (draft): receives the messages of the groups it joined from RADIO peers. */
export const Dish = DishSocket as unknown as {
  /** A DISH socket with the options given. */
  new (options?: SocketOptions<DishSocket>): Dish;
  /** The prototype of every DISH socket (what `instanceof Dish` looks for). */
  readonly prototype: Dish;
};

import type { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";
import { type MessageLike, toFrames } from "../frames.js";
import { type SocketOptions, type WithOptions, withOptions } from "../options.js";
import type { Message, Pipe } from "../pipe.js";
import { type OperationOptions, registerSocketClass, Socket } from "../socket.js";
import { GROUP_MAX_LENGTH, groupBytes, groupKey } from "./groups.js";
import { assertOptionsObject, singleFrame } from "./single-frame.js";

/** The group a RADIO message goes to. */
export interface RadioGroupOptions {
  /** The group's name, as text or bytes (as libzmq reads it: up to a zero octet, if any). */
  group: Buffer | string;
}

const /** @ignore @internal */ RadioSocketWithOptions: WithOptions<"Radio", typeof Socket> = withOptions(
    "Radio",
    Socket,
  );

/**
 * RADIO (draft): PUB by exact group. Each DISH peer JOINs and LEAVEs groups (ZMTP commands); a
 * message goes, as two frames (group, then body), to the peers that joined its group; a peer at
 * its high-water mark misses it, as with PUB. Its public type is Radio's.
 * @internal
 */
export class RadioSocket extends RadioSocketWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "RADIO" as const;
  static {
    registerSocketClass("RADIO", RadioSocket as never);
  }
  private readonly peers = new Set<Pipe>();

  /**
   * A RADIO socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<RadioSocket>) {
    super();
    this.configure(options, RadioSocket);
  }

  override send(message: MessageLike | MessageLike[], options?: RadioGroupOptions & OperationOptions): Promise<void> {
    let frames: Message;
    try {
      assertOptionsObject(options);
      if (options.group === undefined) throw new ZmqError("EINVAL", "a RADIO send needs options.group");
      frames = [groupBytes(options.group), singleFrame(toFrames(message))[0]!];
    } catch (e) {
      return Promise.reject(e);
    }
    return super.send(frames as Buffer[], options);
  }

  /** @ignore @internal */
  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "RADIO sockets cannot receive");
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return true;
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const key = groupKey(message[0]!);
    for (const pipe of this.peers) {
      // A udp:// peer joins nothing: it gets every group, and its DISH keeps what it joined.
      if (!joinedBy(pipe).has(key) && !pipe.endpoint.startsWith("udp://")) continue;
      if (pipe.full) this.dropCount++;
      else pipe.write(message);
    }
    return true;
  }

  /** @ignore @internal */
  override pipeConnected(pipe: Pipe): void {
    pipe.state = new Set<string>();
    this.peers.add(pipe);
  }

  /** @ignore @internal */
  override pipeDisconnected(pipe: Pipe): void {
    this.peers.delete(pipe);
    joinedBy(pipe).clear();
  }

  /** @ignore @internal */
  override pipeSubscription(pipe: Pipe, join: boolean, group: Buffer): void {
    if (group.length > GROUP_MAX_LENGTH) return; // no DISH can join such a group: a JOIN to ignore
    if (join) joinedBy(pipe).add(groupKey(group));
    else joinedBy(pipe).delete(groupKey(group));
  }
}

function joinedBy(pipe: Pipe): Set<string> {
  if (!(pipe.state instanceof Set)) pipe.state = new Set<string>();
  return pipe.state as Set<string>;
}

// The @property tags are for the API reference: TypeDoc finds no description for the socket's
// getters once Omit made them properties (editors show the getters' own).
/**
 * RADIO (draft), as the native package types it.
 * @property type - libzmq's number for this socket type (ZMQ_RADIO = 14).
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
export interface Radio extends Omit<RadioSocket, "send"> {
  /** Sends one frame to the DISH peers that joined `options.group`. */
  send(message: MessageLike, options: RadioGroupOptions & OperationOptions): Promise<void>;
}

/** RADIO (draft): sends each message to a group; DISH peers receive the groups they joined. */
export const Radio = RadioSocket as unknown as {
  /** A RADIO socket with the options given. */
  new (options?: SocketOptions<RadioSocket>): Radio;
  /** The prototype of every RADIO socket (what `instanceof Radio` looks for). */
  readonly prototype: Radio;
};

import type { OptionName } from "./option-types.js";
import { Buffer } from "node:buffer";
import type { PeerInfo } from "../engine/connection.js";
import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "./pipe.js";
import { OPTIONS_BY_NAME } from "./option-table.js";
import { OPTION_VALUES, type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { RoutingTable } from "../routing/routing-ids.js";
import { registerSocketClass, Socket } from "./socket.js";

/** libzmq's ZMQ_CONNECT_ROUTING_ID, which the native package sets before connecting. */
const CONNECT_ROUTING_ID = OPTIONS_BY_NAME.get("connectRoutingId")!;

/** STREAM's connect() options: the same as ROUTER's (the native package's StreamConnectOptions). */
export type StreamConnectOptions = RouterConnectOptions;

/**
 * The key of a ROUTER's internal hook: called with a peer's routing id when its connection ends
 * (the RPC server aborts the calls that came on it).
 */
export const PEER_GONE: unique symbol = Symbol("plantrpc.peerGone") as never;

/** The key of a ROUTER's internal query: whether a peer of that routing id is connected now. */
export const PEER_ALIVE: unique symbol = Symbol("plantrpc.peerAlive") as never;

/** Options of `Router.connect()` (and `Stream.connect()`): the routing id to give that peer. */
export interface RouterConnectOptions {
  /** The routing id by which to address the peer at this endpoint. */
  routingId?: string;
}

/** ROUTER's constructor options (mandatory and handover among them): the option table's. */
export type RouterOptions = SocketOptions<Router>;

/**
 * What ROUTER and STREAM share: every received message is prefixed with the sending peer's
 * routing id; a sent message's first frame names the peer to send the rest to. Two classes
 * rather than one and a subclass, so that each has only its own options.
 */
export abstract class RouterBase extends Socket {
  abstract override readonly socketType: "ROUTER" | "STREAM";
  private readonly peers = new RoutingTable<Pipe>();
  /** Routing ids given to connect(), by endpoint. */
  private readonly connectIds = new Map<string, Buffer>();
  /** Pipes addressed by a routing id given to connect(): routable from connect() on, reconnections included. */
  private readonly assigned = new Set<Pipe>();
  private nextGeneratedId = (Math.random() * 0x1_0000_0000) >>> 0;
  /** mandatory, read for every message. */
  private mandatoryRouting = false;

  /** @ignore @internal */
  protected override cacheTypeOption(name: OptionName, value: unknown): void {
    if (name === "mandatory") this.mandatoryRouting = Boolean(value);
  }

  /**
   * Connects; with `routingId`, the peer at this endpoint is addressed by that id instead of the
   * one it announces (libzmq's ZMQ_CONNECT_ROUTING_ID).
   */
  override connect(endpoint: string, options: RouterConnectOptions = {}): void {
    // The id set by number (setStringOption(61, ...)) serves the next connect only, as in libzmq.
    const byNumber = this.option("connectRoutingId");
    if (byNumber !== null) delete this[OPTION_VALUES].connectRoutingId;
    const id = options.routingId
      ? Buffer.from(options.routingId, "utf8")
      : byNumber?.length
        ? Buffer.from(byNumber)
        : undefined;
    // As the native package: an empty id is no id; the id is ours alone (it never goes on the
    // wire), so its length is free; setting it is an option change, warned about as such.
    if (options.routingId) this.optionChanged(CONNECT_ROUTING_ID);
    if (!id) {
      super.connect(endpoint);
      return;
    }
    // Known before the pipe is made (in super.connect), so that the pipe is routable at once.
    const previous = this.connectIds.get(endpoint);
    this.connectIds.set(endpoint, id);
    try {
      super.connect(endpoint);
    } catch (e) {
      if (previous) this.connectIds.set(endpoint, previous);
      else this.connectIds.delete(endpoint);
      throw e;
    }
  }

  /**
   * A connect()'s pipe exists before any connection (libzmq's rule, unless `immediate`): with a
   * routing id given to connect(), messages to that id queue in it at once.
   * @ignore @internal
   */
  protected override pipeAdded(pipe: Pipe): void {
    const id = pipe.routingId === undefined ? this.connectIds.get(pipe.endpoint) : undefined;
    if (!id || pipe.attached) return;
    pipe.routingId = id;
    this.assigned.add(pipe);
    this.peers.set(pipe);
  }

  /** @ignore @internal */
  protected override pipeRemoved(pipe: Pipe): void {
    this.assigned.delete(pipe);
    this.peers.remove(pipe);
  }

  /** @ignore @internal */
  protected override acceptPeer(
    pipe: Pipe,
    peer: PeerInfo | undefined,
    connectedTo: string | undefined,
  ): ZmqError | undefined {
    const announced = peer?.identity;
    const assigned = connectedTo === undefined ? undefined : this.connectIds.get(connectedTo);
    const id = assigned ?? (announced && announced.length > 0 ? Buffer.from(announced) : this.generateId());
    const holder = this.peers.get(id);
    if (holder && holder !== pipe && holder.connected) {
      if (!this.option("handover")) return new ZmqError("EINVAL", "routing id already in use by another peer");
      this.peers.take(id);
      holder.closeConnection();
    }
    pipe.routingId = id;
    return undefined;
  }

  /** @ignore @internal */
  override pipeConnected(pipe: Pipe): void {
    this.peers.set(pipe);
  }

  private peerGone: ((routingId: Buffer) => void) | undefined = undefined;

  /**
   * Tells `listener` each peer's routing id when its connection ends (the RPC server's hook).
   * @ignore @internal
   */
  [PEER_GONE](listener: (routingId: Buffer) => void): void {
    this.peerGone = listener;
  }

  /**
   * Whether a peer of that routing id is connected now (a request read late may have outlived
   * its connection).
   * @ignore @internal
   */
  [PEER_ALIVE](routingId: Buffer): boolean {
    return this.peers.get(routingId)?.connected === true;
  }

  /** @ignore @internal */
  override pipeDisconnected(pipe: Pipe): void {
    // A connect-assigned id stays routable while the pipe waits for the reconnection.
    if (!this.assigned.has(pipe)) this.peers.remove(pipe);
    if (pipe.routingId) this.peerGone?.(pipe.routingId);
  }

  /** @ignore @internal */
  protected override deliver(pipe: Pipe, message: Buffer[]): Buffer[] {
    return [pipe.routingId!, ...message];
  }

  /** @ignore @internal */
  protected override prepareSend(message: Message): Message {
    if (message.length < 2) {
      throw new ZmqError("EINVAL", "ROUTER messages are [routingId, ...frames]: at least two frames");
    }
    return message;
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    // Without mandatory, messages to unknown or full peers are dropped: sending never waits.
    return !this.mandatoryRouting || super.canSendNow();
  }

  /**
   * Forgets a peer's routing id before its connection has closed (STREAM's close request).
   * @ignore @internal
   */
  protected forgetPeer(pipe: Pipe): void {
    this.peers.remove(pipe);
  }

  /**
   * The connected peer of that routing id, if any.
   * @ignore @internal
   */
  protected peerById(id: Uint8Array): Pipe | undefined {
    return this.peers.get(id);
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const pipe = this.peers.get(message[0]!);
    if (!pipe) {
      if (this.mandatoryRouting) throw new ZmqError("EHOSTUNREACH", "no peer with that routing id");
      this.dropCount++;
      return true;
    }
    if (pipe.full) {
      if (this.mandatoryRouting) return false;
      this.dropCount++;
      return true;
    }
    pipe.write(message.slice(1));
    return true;
  }

  /**
   * libzmq's form for peers without an identity: a zero octet, then a 32-bit counter; one that a
   * peer announced as its own is skipped (else the next anonymous peers would be refused).
   */
  private generateId(): Buffer {
    const id = Buffer.alloc(5);
    do {
      this.nextGeneratedId = (this.nextGeneratedId + 1) >>> 0;
      id.writeUInt32BE(this.nextGeneratedId, 1);
    } while (this.peers.get(id));
    return id;
  }
}

const /** @ignore @internal */ RouterWithOptions: WithOptions<"Router", typeof RouterBase> = withOptions(
    "Router",
    RouterBase,
  );

/** ROUTER: addresses each peer by its routing id. */
export class Router extends RouterWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "ROUTER" as const;
  static {
    registerSocketClass("ROUTER", Router);
  }

  /**
   * A ROUTER socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: RouterOptions) {
    super();
    this.configure(options, Router);
  }
}

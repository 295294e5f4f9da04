import type { OptionName } from "./option-types.js";
import { Buffer } from "node:buffer";
import { decodeSubscription, encodeSubscription } from "../codec/subscription.js";
import { ZmqError } from "../errors.js";
import { Subscriptions } from "../routing/subscriptions.js";
import { XPUB_VERBOSE, XPUB_VERBOSER } from "./option-table.js";
import type { Message, Pipe } from "./pipe.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass, Socket } from "./socket.js";

/** Options of `new XPublisher()`: the socket options, and its write-only `verbosity`. */
export type XPublisherOptions = SocketOptions<XPublisher> & {
  /**
   * Which duplicate subscriptions reach the application: null (default) only a topic's first
   * subscription and last cancel, "allSubs" every subscription (ZMQ_XPUB_VERBOSE),
   * "allSubsUnsubs" every subscription and cancel (ZMQ_XPUB_VERBOSER).
   */
  verbosity?: null | "allSubs" | "allSubsUnsubs";
};

type Verbosity = null | "allSubs" | "allSubsUnsubs";
const VERBOSITIES: readonly Verbosity[] = [null, "allSubs", "allSubsUnsubs"];

/**
 * What PUB and XPUB share: fan-out by subscription. Each peer's subscriptions come as
 * SUBSCRIBE/CANCEL commands (ZMTP 3.1) or as 0x01/0x00 messages (ZMTP 3.0 peers and XSUB
 * sockets): both are handled. Two classes rather than one and a subclass, so that each has only
 * its own options, as in the native package.
 */
abstract class PublisherBase extends Socket {
  abstract override readonly socketType: "XPUB" | "PUB";
  /**
   * 0: first subscription and last cancel only; 1: every subscription; 2: every cancel too.
   * @ignore @internal
   */
  protected verbosityLevel = 0;
  /** How many peers hold each topic, to announce only the first subscriber and last cancel. */
  private readonly all = new Subscriptions();
  private readonly fanout = new Set<Pipe>();
  /** invertMatching and noDrop, read for every message. */
  private inverting = false;
  private noDropping = false;

  /** @ignore @internal */
  protected override cacheTypeOption(name: OptionName, value: unknown): void {
    if (name === "invertMatching") this.inverting = Boolean(value);
    else if (name === "noDrop") this.noDropping = Boolean(value);
  }

  /**
   * Always, for PUB and XPUB alike, even with noDrop and a full subscriber: libzmq's distributor
   * reports room at all times (dist_t::has_out), so the native package's `writable` is true.
   * @ignore @internal
   */
  protected override canSendNow(): boolean {
    return true;
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const topic = message[0];
    const invert = this.inverting;
    if (this.noDropping) {
      // Wait (or EAGAIN) until every subscriber of this message has room, so that none misses it.
      for (const pipe of this.fanout) {
        if (subscriptionsOf(pipe).matches(topic) !== invert && pipe.full) return false;
      }
    }
    // Otherwise peers at their high-water mark miss the message: a publisher never blocks.
    for (const pipe of this.fanout) {
      if (subscriptionsOf(pipe).matches(topic) === invert) continue;
      if (pipe.full) this.dropCount++;
      else pipe.write(message);
    }
    return true;
  }

  /** @ignore @internal */
  override pipeConnected(pipe: Pipe): void {
    pipe.state = new Subscriptions();
    this.fanout.add(pipe);
    const welcome = this.option("welcomeMessage");
    if (welcome) pipe.write([welcome]);
  }

  /** @ignore @internal */
  override pipeDisconnected(pipe: Pipe): void {
    this.fanout.delete(pipe);
    const subs = subscriptionsOf(pipe);
    for (const topic of subs) {
      if (this.all.remove(topic)) this.upstream(pipe, false, topic);
    }
    subs.clear();
  }

  /** @ignore @internal */
  override pipeSubscription(pipe: Pipe, subscribe: boolean, topic: Buffer): void {
    if (this.isManual()) {
      // The application decides: every request goes up, and only its own setStringOption()
      // (ZMQ_SUBSCRIBE/UNSUBSCRIBE) changes what this peer receives.
      this.upstream(pipe, subscribe, topic);
      return;
    }
    this.applySubscription(pipe, subscribe, topic);
  }

  /**
   * Whether subscriptions wait for the application (XPUB's manual option).
   * @ignore @internal
   */
  protected isManual(): boolean {
    return false;
  }

  /** @ignore @internal */
  protected applySubscription(pipe: Pipe, subscribe: boolean, topic: Uint8Array): void {
    const subs = subscriptionsOf(pipe);
    if (subscribe) {
      const fresh = !subs.has(topic);
      if (fresh) subs.add(topic);
      const first = fresh && this.all.add(topic);
      if (first || this.verbosityLevel > 0) this.upstream(pipe, true, topic);
    } else if (subs.has(topic)) {
      subs.remove(topic);
      if (this.all.remove(topic) || this.verbosityLevel > 1) this.upstream(pipe, false, topic);
    }
  }

  /** @ignore @internal */
  override pipeMessage(pipe: Pipe, message: Buffer[]): void {
    const subscription = decodeSubscription(message);
    if (subscription) {
      this.pipeSubscription(pipe, subscription.subscribe, subscription.topic);
    } else if (this.socketType === "XPUB") {
      super.pipeMessage(pipe, message);
    }
  }

  private upstream(pipe: Pipe, subscribe: boolean, topic: Uint8Array): void {
    if (this.socketType !== "XPUB" || this.closed) return;
    super.pipeMessage(pipe, [encodeSubscription(subscribe, topic)]);
  }
}

function subscriptionsOf(pipe: Pipe): Subscriptions {
  return (pipe.state as Subscriptions | undefined) ?? EMPTY_SUBSCRIPTIONS;
}

const EMPTY_SUBSCRIPTIONS = new Subscriptions();
const ZMQ_SUBSCRIBE = 6;
const ZMQ_UNSUBSCRIBE = 7;

const /** @ignore @internal */ XPublisherWithOptions: WithOptions<"XPublisher", typeof PublisherBase> = withOptions(
    "XPublisher",
    PublisherBase,
  );

/**
 * XPUB: PUB's fan-out, plus subscriptions readable as messages (0x01 or 0x00, then the topic).
 */
export class XPublisher extends XPublisherWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "XPUB" as const;
  static {
    registerSocketClass("XPUB", XPublisher);
  }
  private lastSubscriber: Pipe | undefined;

  /**
   * A XPUB socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: XPublisherOptions) {
    super();
    this.configure(options, XPublisher);
  }

  /**
   * Which duplicate subscriptions reach the application: null (the default) only a topic's first
   * subscription and last cancel, "allSubs" every subscription, "allSubsUnsubs" every cancel too.
   * Write-only, as in the native package; another value is a TypeError.
   */
  set verbosity(value: null | "allSubs" | "allSubsUnsubs") {
    const level = VERBOSITIES.indexOf(value);
    if (level < 0) throw new TypeError('verbosity is null, "allSubs" or "allSubsUnsubs"');
    this.verbosityLevel = level;
  }

  /** @ignore @internal */
  protected override isManual(): boolean {
    return this.option("manual");
  }

  /**
   * In manual mode, the peer whose subscription the application read last.
   * @ignore @internal
   */
  protected override deliver(pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    if (this.isManual() && decodeSubscription(message)) this.lastSubscriber = pipe;
    return message;
  }

  /** @ignore @internal */
  protected override setSpecialOption(id: number, value: unknown): boolean {
    if (id === ZMQ_SUBSCRIBE || id === ZMQ_UNSUBSCRIBE) {
      if (value !== null && typeof value !== "string" && !(value instanceof Uint8Array)) {
        throw new TypeError("Option value must be a string or buffer");
      }
      const topic = typeof value === "string" ? Buffer.from(value, "utf8") : (value ?? Buffer.alloc(0));
      if (!this.isManual() || !this.lastSubscriber)
        throw new ZmqError("EINVAL", "no subscription to answer (manual mode)");
      this.applySubscription(this.lastSubscriber, id === ZMQ_SUBSCRIBE, topic);
      return true;
    }
    if (id !== XPUB_VERBOSE && id !== XPUB_VERBOSER) return false;
    if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
    // As in libzmq: VERBOSER implies VERBOSE; clearing VERBOSE clears both.
    if (id === XPUB_VERBOSER) this.verbosityLevel = value ? 2 : Math.min(this.verbosityLevel, 1);
    else this.verbosityLevel = value ? Math.max(this.verbosityLevel, 1) : 0;
    return true;
  }
}

const /** @ignore @internal */ PublisherWithOptions: WithOptions<"Publisher", typeof PublisherBase> = withOptions(
    "Publisher",
    PublisherBase,
  );

/** PUB: sends each message to every peer subscribed to a prefix of its first frame. */
export class Publisher extends PublisherWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "PUB" as const;
  static {
    registerSocketClass("PUB", Publisher);
  }

  /**
   * A PUB socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Publisher>) {
    super();
    this.configure(options, Publisher);
  }

  /** @ignore @internal */
  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "PUB sockets cannot receive");
  }
}

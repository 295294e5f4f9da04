import type { OptionName } from "./option-types.js";
import { Buffer } from "node:buffer";
import { decodeSubscription } from "../codec/subscription.js";
import { ZmqError } from "../errors.js";
import { Subscriptions } from "../routing/subscriptions.js";
import type { Message, Pipe } from "./pipe.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass, Socket } from "./socket.js";

/**
 * What SUB and XSUB share: received messages are filtered by our subscriptions, which go to
 * every publisher. They are two classes, not one and a subclass, so that each has only its own
 * options, as in the native package.
 */
abstract class SubscriberBase extends Socket {
  abstract override readonly socketType: "XSUB" | "SUB";
  private readonly subscriptions = new Subscriptions();
  /** invertMatching, read for every message. */
  private inverting = false;

  /** @ignore @internal */
  protected override cacheTypeOption(name: OptionName, value: unknown): void {
    if (name === "invertMatching") this.inverting = Boolean(value);
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return true; // subscriptions and messages go to whoever is connected, never waiting
  }

  /** @ignore @internal */
  protected override trySend(message: Message): boolean {
    const subscription = decodeSubscription(message);
    if (subscription) {
      this.changeSubscription(subscription.subscribe, subscription.topic);
      return true;
    }
    for (const pipe of this.pipes) if (pipe.connected && !pipe.full) pipe.write(message);
    return true;
  }

  /** @ignore @internal */
  protected changeSubscription(subscribe: boolean, topic: Uint8Array): void {
    if (subscribe) {
      this.subscriptions.add(topic);
      // Every subscription goes upstream: XPUB de-duplicates, and verbose proxies need them all.
      for (const pipe of this.pipes) if (pipe.connected) pipe.sendSubscription(true, topic);
    } else if (this.subscriptions.remove(topic)) {
      for (const pipe of this.pipes) if (pipe.connected) pipe.sendSubscription(false, topic);
    }
  }

  /** @ignore @internal */
  override pipeConnected(pipe: Pipe): void {
    for (const topic of this.subscriptions) pipe.sendSubscription(true, topic);
  }

  /** @ignore @internal */
  protected override deliver(_pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    return this.subscriptions.matches(message[0]) !== this.inverting ? message : undefined;
  }
}

const /** @ignore @internal */ XSubscriberWithOptions: WithOptions<"XSubscriber", typeof SubscriberBase> = withOptions(
    "XSubscriber",
    SubscriberBase,
  );

/**
 * XSUB: messages sent that start with 0x01/0x00 subscribe/cancel a topic on every publisher;
 * received messages are filtered by our subscriptions.
 */
export class XSubscriber extends XSubscriberWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "XSUB" as const;
  static {
    registerSocketClass("XSUB", XSubscriber);
  }

  /**
   * A XSUB socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<XSubscriber>) {
    super();
    this.configure(options, XSubscriber);
  }
}

const /** @ignore @internal */ SubscriberWithOptions: WithOptions<"Subscriber", typeof SubscriberBase> = withOptions(
    "Subscriber",
    SubscriberBase,
  );

/** SUB: receives what its publishers send on the topics it subscribed to. */
export class Subscriber extends SubscriberWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "SUB" as const;
  static {
    registerSocketClass("SUB", Subscriber);
  }

  /**
   * A SUB socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: SocketOptions<Subscriber>) {
    super();
    this.configure(options, Subscriber);
  }

  /** Receives messages whose first frame starts with one of `prefixes` (none given: every message). */
  subscribe(...prefixes: Array<string | Uint8Array>): void {
    this.assertReady();
    if (prefixes.length === 0) prefixes = [""];
    for (const p of prefixes) this.changeSubscription(true, toTopic(p));
  }

  /** Cancels subscriptions made with subscribe() (none given: the subscription to everything). */
  unsubscribe(...prefixes: Array<string | Uint8Array>): void {
    this.assertReady();
    if (prefixes.length === 0) prefixes = [""];
    for (const p of prefixes) this.changeSubscription(false, toTopic(p));
  }

  /** @ignore @internal */
  protected override prepareSend(): never {
    throw new ZmqError("ENOTSUP", "SUB sockets cannot send; use subscribe() and unsubscribe()");
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return false;
  }

  /**
   * ZMQ_SUBSCRIBE (6) and ZMQ_UNSUBSCRIBE (7), as setStringOption() reaches them.
   * @ignore @internal
   */
  protected override setSpecialOption(id: number, value: unknown): boolean {
    if (id !== 6 && id !== 7) return false;
    if (value !== null && typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw new TypeError("Option value must be a string or buffer");
    }
    this.changeSubscription(id === 6, toTopic(value ?? ""));
    return true;
  }
}

function toTopic(prefix: string | Uint8Array): Uint8Array {
  return typeof prefix === "string" ? Buffer.from(prefix, "utf8") : prefix;
}

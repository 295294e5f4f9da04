import type { Buffer } from "node:buffer";
import { decodeSubscription, encodeSubscription } from "../codec/subscription.js";
import { ZmqError } from "../errors.js";
import { Subscriptions } from "../routing/subscriptions.js";
import type { Message, Pipe } from "./pipe.js";
import { booleanOption, defineOptions } from "./options.js";
import { Socket, type SocketOptions } from "./socket-base.js";

export interface XPublisherOptions extends SocketOptions {
  /** Pass every subscription upstream, duplicates included (ZMQ_XPUB_VERBOSE). */
  verbose?: boolean;
}

/**
 * XPUB: PUB's fan-out, plus subscriptions readable as messages (0x01 or 0x00, then the
 * topic). Each peer's subscriptions come as SUBSCRIBE/CANCEL commands (ZMTP 3.1) or as such
 * messages (ZMTP 3.0 peers and XSUB sockets): both are handled.
 */
export class XPublisher extends Socket {
  readonly type: "XPUB" | "PUB" = "XPUB";
  declare verbose: boolean;
  /** How many peers hold each topic, to announce only the first subscriber and last cancel. */
  private readonly all = new Subscriptions();
  private readonly fanout = new Set<Pipe>();

  constructor(options?: XPublisherOptions) {
    super();
    this.configure(options, XPublisher);
  }

  protected override trySend(message: Message): boolean {
    const topic = message[0];
    // Peers at their high-water mark miss the message: a publisher never blocks.
    for (const pipe of this.fanout) {
      if (subscriptionsOf(pipe).matches(topic) && !pipe.full) pipe.write(message);
    }
    return true;
  }

  protected override pipeConnected(pipe: Pipe): void {
    pipe.state = new Subscriptions();
    this.fanout.add(pipe);
  }

  protected override pipeDisconnected(pipe: Pipe): void {
    this.fanout.delete(pipe);
    const subs = subscriptionsOf(pipe);
    for (const topic of subs) {
      if (this.all.remove(topic)) this.upstream(pipe, false, topic);
    }
    subs.clear();
  }

  protected override pipeSubscription(pipe: Pipe, subscribe: boolean, topic: Buffer): void {
    const subs = subscriptionsOf(pipe);
    if (subscribe) {
      const fresh = !subs.has(topic);
      if (fresh) subs.add(topic);
      const first = fresh && this.all.add(topic);
      if (first || this.verbose) this.upstream(pipe, true, topic);
    } else if (subs.has(topic)) {
      subs.remove(topic);
      if (this.all.remove(topic)) this.upstream(pipe, false, topic);
    }
  }

  protected override pipeMessage(pipe: Pipe, message: Buffer[]): void {
    const subscription = decodeSubscription(message);
    if (subscription) {
      this.pipeSubscription(pipe, subscription.subscribe, subscription.topic);
    } else if (this.type === "XPUB") {
      super.pipeMessage(pipe, message);
    }
  }

  private upstream(pipe: Pipe, subscribe: boolean, topic: Uint8Array): void {
    if (this.type !== "XPUB" || this.closed) return;
    super.pipeMessage(pipe, [encodeSubscription(subscribe, topic)]);
  }
}

function subscriptionsOf(pipe: Pipe): Subscriptions {
  return (pipe.state as Subscriptions | undefined) ?? EMPTY_SUBSCRIPTIONS;
}

defineOptions(XPublisher, { verbose: booleanOption(false) });

const EMPTY_SUBSCRIPTIONS = new Subscriptions();

/** PUB: sends each message to every peer subscribed to a prefix of its first frame. */
export class Publisher extends XPublisher {
  override readonly type = "PUB" as const;

  constructor(options?: SocketOptions) {
    super();
    this.configure(options, Publisher);
  }

  protected override checkReceive(): void {
    throw new ZmqError("ENOTSUP", "PUB sockets cannot receive");
  }
}

import type { OptionName } from "./option-types.js";
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { LoadBalancedSocket } from "./load-balanced.js";
import type { Message, Pipe } from "./pipe.js";
import { type SocketOptions, type WithOptions, withOptions } from "./options.js";
import { registerSocketClass } from "./socket.js";

/** REQ's constructor options (correlate and relaxed among them): the option table's. */
export type RequestOptions = SocketOptions<Request>;

const EMPTY = Buffer.alloc(0);

const /** @ignore @internal */ RequestWithOptions: WithOptions<"Request", typeof LoadBalancedSocket> = withOptions(
    "Request",
    LoadBalancedSocket,
  );

/**
 * REQ: strictly alternates send and receive. Each request goes, behind an empty delimiter, to
 * one peer chosen round-robin; only that peer's reply is accepted.
 */
export class Request extends RequestWithOptions {
  /** libzmq's name of this socket type. */
  readonly socketType = "REQ" as const;
  static {
    registerSocketClass("REQ", Request);
  }
  private expectingReply = false;
  private replyPipe: Pipe | undefined;
  private requestId = (Math.random() * 0x1_0000_0000) >>> 0;
  private requestIdFrame = EMPTY;
  /** correlate and relaxed, read for every request. */
  private correlating = false;
  private relaxedRequests = false;

  /** @ignore @internal */
  protected override cacheTypeOption(name: OptionName, value: unknown): void {
    if (name === "correlate") this.correlating = Boolean(value);
    else if (name === "relaxed") this.relaxedRequests = Boolean(value);
  }

  /**
   * A REQ socket with the options given, each also a property of the socket. An option this
   * type does not have is a TypeError; a value out of range, an EINVAL ZmqError.
   */
  constructor(options?: RequestOptions) {
    super();
    this.configure(options, Request);
  }

  /** @ignore @internal */
  protected override prepareSend(message: Message): Message {
    if (this.expectingReply && !this.relaxedRequests) {
      throw new ZmqError("EFSM", "REQ socket must receive the reply before sending another request");
    }
    this.expectingReply = true;
    this.replyPipe = undefined;
    if (!this.correlating) return [EMPTY, ...message];
    this.requestId = (this.requestId + 1) >>> 0;
    this.requestIdFrame = Buffer.alloc(4);
    this.requestIdFrame.writeUInt32BE(this.requestId);
    return [this.requestIdFrame, EMPTY, ...message];
  }

  /** @ignore @internal */
  protected override canSendNow(): boolean {
    return (!this.expectingReply || this.relaxedRequests) && super.canSendNow();
  }

  /** @ignore @internal */
  protected override sentTo(pipe: Pipe): void {
    this.replyPipe = pipe;
  }

  /** @ignore @internal */
  protected override checkReceive(): void {
    if (!this.expectingReply) {
      throw new ZmqError("EFSM", "REQ socket must send a request before receiving");
    }
    if (this.waitingReceives > 0) {
      throw new ZmqError("EFSM", "REQ socket is already waiting for the reply");
    }
  }

  /** @ignore @internal */
  protected override deliver(pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    if (!this.expectingReply || pipe !== this.replyPipe) return undefined;
    let start = 0;
    if (this.correlating) {
      if (!message[0]?.equals(this.requestIdFrame)) return undefined;
      start = 1;
    }
    if (message.length <= start || message[start]!.length !== 0) return undefined;
    this.expectingReply = false;
    return message.slice(start + 1);
  }
}

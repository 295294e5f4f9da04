import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { LoadBalancedSocket } from "./load-balanced.js";
import type { Message, Pipe } from "./pipe.js";
import type { SocketOptions } from "./socket-base.js";

export interface RequestOptions extends SocketOptions {
  /** Tag each request with an id and accept only the reply carrying it (ZMQ_REQ_CORRELATE). */
  correlate?: boolean;
  /** Allow a new request before the reply to the previous one (ZMQ_REQ_RELAXED). */
  relaxed?: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * REQ: strictly alternates send and receive. Each request goes, behind an empty delimiter, to
 * one peer chosen round-robin; only that peer's reply is accepted.
 */
export class Request extends LoadBalancedSocket {
  readonly socketType = "REQ" as const;
  declare correlate: boolean;
  declare relaxed: boolean;
  declare routingId: string | null;
  declare probeRouter: boolean;
  private expectingReply = false;
  private replyPipe: Pipe | undefined;
  private requestId = (Math.random() * 0x1_0000_0000) >>> 0;
  private requestIdFrame = EMPTY;

  constructor(options?: RequestOptions) {
    super();
    this.configure(options, Request);
  }

  protected override prepareSend(message: Message): Message {
    if (this.expectingReply && !this.option<boolean>("relaxed")) {
      throw new ZmqError("EFSM", "REQ socket must receive the reply before sending another request");
    }
    this.expectingReply = true;
    this.replyPipe = undefined;
    if (!this.option<boolean>("correlate")) return [EMPTY, ...message];
    this.requestId = (this.requestId + 1) >>> 0;
    this.requestIdFrame = Buffer.alloc(4);
    this.requestIdFrame.writeUInt32BE(this.requestId);
    return [this.requestIdFrame, EMPTY, ...message];
  }

  protected override canSendNow(): boolean {
    return (!this.expectingReply || this.option<boolean>("relaxed")) && super.canSendNow();
  }

  protected override sentTo(pipe: Pipe): void {
    this.replyPipe = pipe;
  }

  protected override checkReceive(): void {
    if (!this.expectingReply) {
      throw new ZmqError("EFSM", "REQ socket must send a request before receiving");
    }
    if (this.waitingReceives > 0) {
      throw new ZmqError("EFSM", "REQ socket is already waiting for the reply");
    }
  }

  protected override deliver(pipe: Pipe, message: Buffer[]): Buffer[] | undefined {
    if (!this.expectingReply || pipe !== this.replyPipe) return undefined;
    let start = 0;
    if (this.option<boolean>("correlate")) {
      if (!message[0]?.equals(this.requestIdFrame)) return undefined;
      start = 1;
    }
    if (message.length <= start || message[start]!.length !== 0) return undefined;
    this.expectingReply = false;
    return message.slice(start + 1);
  }
}

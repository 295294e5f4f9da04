import { Buffer } from "node:buffer";
import type { ZapClient, ZapReply, ZapRequest } from "../mechanism/zap.js";
import { isInprocBound } from "../transport/inproc.js";
import { Dealer } from "./dealer.js";

const ZAP_ADDRESS = "zeromq.zap.01";
const EMPTY = Buffer.alloc(0);

/**
 * RFC 27's client side, shared by every socket of the process: one DEALER connected to the
 * handler at inproc://zeromq.zap.01, requests told apart by their request id.
 */
class ZapConnection {
  private readonly socket = new Dealer({ linger: 0 });
  private readonly waiting = new Map<string, (reply: ZapReply) => void>();
  private nextId = 1;

  constructor() {
    this.socket.connect(`inproc://${ZAP_ADDRESS}`);
    void this.readReplies();
  }

  request(r: ZapRequest): Promise<ZapReply> {
    const id = String(this.nextId++);
    const frames = [EMPTY, "1.0", id, r.domain, r.address, r.identity, r.mechanism, ...r.credentials];
    return new Promise<ZapReply>((resolve, reject) => {
      this.waiting.set(id, resolve);
      this.socket.send(frames).catch((e: unknown) => {
        this.waiting.delete(id);
        reject(e);
      });
    });
  }

  private async readReplies(): Promise<void> {
    for await (const frames of this.socket) {
      // ["", version, request id, status code, status text, user id, metadata]
      const [, , id, code, text, userId] = frames.map((f) => f.toString("utf8"));
      const resolve = this.waiting.get(id ?? "");
      if (!resolve) continue;
      this.waiting.delete(id!);
      resolve({ statusCode: code ?? "500", statusText: text ?? "", userId: userId ?? "" });
    }
  }
}

let connection: ZapConnection | undefined;

/** The process's ZAP client: undefined answers when no handler is bound. */
export const zapClient: ZapClient = (request) => {
  if (!isInprocBound(ZAP_ADDRESS)) return undefined;
  connection ??= new ZapConnection();
  return connection.request(request);
};

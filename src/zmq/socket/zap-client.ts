import { Buffer } from "node:buffer";
import type { ZapClient, ZapReply, ZapRequest } from "../mechanism/zap.js";
import { ZmqError } from "../errors.js";
import { isInprocBound } from "../transport/inproc.js";
import { unref } from "../util/timers.js";
import type { Dealer } from "./dealer.js";

const ZAP_ADDRESS = "zeromq.zap.01";
const EMPTY = Buffer.alloc(0);
/** As libzmq's handshake interval: no handshake waits longer for its handler. */
const ZAP_TIMEOUT_MS = 30_000;

/**
 * RFC 27's client side, shared by the sockets of a context: one DEALER connected to the handler
 * at inproc://zeromq.zap.01, requests told apart by their request id. The DEALER's module is
 * loaded on the first request: a context (which every socket module reaches) must not import a
 * socket class itself.
 */
class ZapConnection {
  private readonly socket: Promise<Dealer>;
  private readonly waiting = new Map<string, (reply: ZapReply) => void>();
  private nextId = 1;

  constructor() {
    this.socket = import("./dealer.js").then(({ Dealer }) => {
      const socket = new Dealer({ linger: 0 });
      socket.connect(`inproc://${ZAP_ADDRESS}`);
      void this.readReplies(socket);
      return socket;
    });
  }

  async request(r: ZapRequest): Promise<ZapReply> {
    const id = String(this.nextId++);
    const frames = [EMPTY, "1.0", id, r.domain, r.address, r.identity, r.mechanism, ...r.credentials];
    const socket = await this.socket;
    return new Promise<ZapReply>((resolve, reject) => {
      // A handler that never answers must not keep a request (and its connection's state) forever.
      const timer = unref(
        setTimeout(() => {
          this.waiting.delete(id);
          reject(new ZmqError("ETIMEDOUT", `the ZAP handler did not answer within ${ZAP_TIMEOUT_MS} ms`));
        }, ZAP_TIMEOUT_MS),
      );
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      socket.send(frames).catch((e: unknown) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        reject(e);
      });
    });
  }

  private async readReplies(socket: Dealer): Promise<void> {
    for await (const frames of socket) {
      // ["", version, request id, status code, status text, user id, metadata]
      const [, , id, code, text, userId] = frames.map((f) => f.toString("utf8"));
      const resolve = this.waiting.get(id ?? "");
      if (!resolve) continue;
      this.waiting.delete(id!);
      resolve({ statusCode: code ?? "500", statusText: text ?? "", userId: userId ?? "" });
    }
  }
}

/** A ZAP client: undefined answers when no handler is bound (the connection is made on first use). */
export function createZapClient(): ZapClient {
  let connection: ZapConnection | undefined;
  return (request) => {
    if (!isInprocBound(ZAP_ADDRESS)) return undefined;
    connection ??= new ZapConnection();
    return connection.request(request);
  };
}

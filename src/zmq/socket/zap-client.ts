import { Buffer } from "node:buffer";
import type { ZapClient, ZapReply, ZapRequest } from "../mechanism/zap.js";
import { ProtocolError, ZmqError, type ZmtpErrorCode } from "../errors.js";
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
  /** Requests waiting for their reply, by request id, oldest first. */
  private readonly waiting = new Map<string, Waiting>();
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
      this.waiting.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      socket.send(frames).catch((e: unknown) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        reject(e);
      });
    });
  }

  /** Whether `id` is one of ours, given before (its request answered or timed out). */
  private issued(id: string | undefined): boolean {
    const n = Number(id);
    return Number.isInteger(n) && n >= 1 && n < this.nextId && String(n) === id;
  }

  /**
   * Each reply settles its request. A reply that breaks RFC 27 fails one with libzmq's ZAP
   * protocol error: the request it names, or (naming none we wait for) the oldest, as libzmq's
   * one-request-at-a-time ZAP pipe would.
   */
  private async readReplies(socket: Dealer): Promise<void> {
    for await (const frames of socket) {
      // ["", version, request id, status code, status text, user id, metadata]
      const [delimiter, version, id, code, text, userId] = frames.map((f) => f.toString("utf8"));
      const named = this.waiting.get(id ?? "");
      // The late reply of a request that timed out is dropped: it concerns no handshake now.
      if (!named && this.issued(id)) continue;
      const entry = named ? id! : this.waiting.keys().next().value;
      if (entry === undefined) continue;
      const { resolve, reject } = this.waiting.get(entry)!;
      this.waiting.delete(entry);
      const broken = replyFault(frames.length, delimiter, version, named !== undefined, code);
      if (broken) reject(new ProtocolError("EPROTO", broken[1], broken[0]));
      else resolve({ statusCode: code!, statusText: text ?? "", userId: userId ?? "" });
    }
  }
}

interface Waiting {
  resolve(reply: ZapReply): void;
  reject(error: Error): void;
}

const STATUS_CODES = new Set(["200", "300", "400", "500"]);

/** What is wrong with a ZAP reply, as libzmq names it (RFC 27), or undefined. */
function replyFault(
  frames: number,
  delimiter: string | undefined,
  version: string | undefined,
  knownId: boolean,
  code: string | undefined,
): [ZmtpErrorCode, string] | undefined {
  if (frames < 7 || delimiter !== "") return ["ERR_ZAP_MALFORMED_REPLY", `a ZAP reply of ${frames} frames`];
  if (version !== "1.0") return ["ERR_ZAP_BAD_VERSION", `a ZAP reply of version ${version}`];
  if (!knownId) return ["ERR_ZAP_BAD_REQUEST_ID", "a ZAP reply to no request of ours"];
  if (!STATUS_CODES.has(code ?? "")) return ["ERR_ZAP_INVALID_STATUS_CODE", `ZAP status code ${code}`];
  return undefined;
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

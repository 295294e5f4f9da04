import { Buffer } from "node:buffer";
import { ProtocolError, ZmqError, type ZmtpErrorCode } from "../errors.js";
import { nullMechanism } from "../mechanism/null.js";
import type { ZapClient, ZapReply, ZapRequest } from "../mechanism/zap.js";
import { inprocTransport, isInprocBound } from "../transport/inproc.js";
import { unref } from "../util/timers.js";
import type { Connection, ConnectionOwner } from "./connection.js";
import { Engine } from "./engine.js";

const ZAP_ADDRESS = "zeromq.zap.01";
const EMPTY = Buffer.alloc(0);
/** As libzmq's handshake interval: no handshake waits longer for its handler. */
const ZAP_TIMEOUT_MS = 30_000;

/**
 * RFC 27's client side, shared by the sockets of a context: one ZMTP engine (as a DEALER) over an
 * inproc pipe to the handler at inproc://zeromq.zap.01, requests told apart by their request id.
 * libzmq's sessions talk to ZAP over a pipe too, not through a public socket: so the context,
 * which every socket reads, needs no socket class. Exported for the zap-reply fuzz target only
 * (fuzz/targets/zap-reply.cjs feeds its engineMessage() replies); sockets use createZapClient().
 * @internal
 */
export class ZapConnection implements ConnectionOwner {
  private engine: Connection | undefined;
  private connecting = false;
  /** Requests written before the handshake finished, in order. */
  private readonly unsent: Uint8Array[][] = [];
  /** Requests waiting for their reply, by request id, oldest first. */
  private readonly waiting = new Map<string, Waiting>();
  private nextId = 1;

  /** `scope`: the inproc name space of the handler (the context's; absent: the process-wide one). */
  constructor(private readonly scope?: object) {}

  request(r: ZapRequest): Promise<ZapReply> {
    const id = String(this.nextId++);
    const frames = [EMPTY, "1.0", id, r.domain, r.address, r.identity, r.mechanism, ...r.credentials].map(bytes);
    return new Promise<ZapReply>((resolve, reject) => {
      // A handler that never answers must not keep a request (and its connection's state) forever.
      const timer = unref(
        setTimeout(() => {
          this.waiting.delete(id);
          reject(new ZmqError("ETIMEDOUT", `the ZAP handler did not answer within ${ZAP_TIMEOUT_MS} ms`));
        }, ZAP_TIMEOUT_MS),
      );
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T): void => {
          clearTimeout(timer);
          then(value);
        };
      this.waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.write(frames);
    });
  }

  private write(frames: Uint8Array[]): void {
    if (this.engine?.state === "ready") {
      this.engine.sendMessage(frames);
      return;
    }
    this.unsent.push(frames);
    this.connect();
  }

  /** A pipe to the handler; its engine hands back replies through the ConnectionOwner calls. */
  private connect(): void {
    if (this.engine || this.connecting) return;
    this.connecting = true;
    // An inproc connect waits for the name to be bound; it fails only when given up, which this
    // one never is.
    void inprocTransport.connect(ZAP_ADDRESS, { inprocScope: this.scope }).then((carrier) => {
      this.connecting = false;
      this.engine = new Engine(carrier, ENGINE_OPTIONS, this);
      this.engine.start();
    });
  }

  engineReady(engine: Connection): void {
    for (const frames of this.unsent.splice(0)) engine.sendMessage(frames);
  }

  /**
   * Each reply settles its request. A reply that breaks RFC 27 fails one with libzmq's ZAP
   * protocol error: the request it names, or (naming none we wait for) the oldest, as libzmq's
   * one-request-at-a-time ZAP pipe would.
   */
  engineMessage(_engine: Connection, frames: Buffer[]): void {
    // ["", version, request id, status code, status text, user id, metadata]
    const [delimiter, version, id, code, text, userId] = frames.map((f) => f.toString("utf8"));
    const named = this.waiting.get(id ?? "");
    // The late reply of a request that timed out is dropped: it concerns no handshake now.
    if (!named && this.issued(id)) return;
    const entry = named ? id! : this.waiting.keys().next().value;
    if (entry === undefined) return;
    const { resolve, reject } = this.waiting.get(entry)!;
    this.waiting.delete(entry);
    const broken = replyFault(frames.length, delimiter, version, named !== undefined, code);
    if (broken) reject(new ProtocolError("EPROTO", broken[1], broken[0]));
    else resolve({ statusCode: code!, statusText: text ?? "", userId: userId ?? "" });
  }

  engineSubscription(): void {}

  engineWritable(): void {}

  /**
   * The handler went away (unbound, closed). As with libzmq (the differential suite shows it),
   * what it had not answered waits on, until its timeout; what was not yet written goes to the
   * next handler bound.
   */
  engineClosed(): void {
    this.engine = undefined;
    if (this.unsent.length > 0) this.connect();
  }

  /** Whether `id` is one of ours, given before (its request answered or timed out). */
  private issued(id: string | undefined): boolean {
    const n = Number(id);
    return Number.isInteger(n) && n >= 1 && n < this.nextId && String(n) === id;
  }
}

/** The ZAP pipe's engine: a DEALER of NULL security, no heartbeats, no size limit. */
const ENGINE_OPTIONS = {
  socketType: "DEALER",
  routingId: undefined,
  mechanism: nullMechanism,
  bound: false,
  maxMessageSize: -1,
  heartbeatInterval: 0,
  heartbeatTimeout: -1,
  heartbeatTimeToLive: 0,
  handshakeTimeout: ZAP_TIMEOUT_MS,
} as const;

interface Waiting {
  resolve(reply: ZapReply): void;
  reject(error: Error): void;
}

function bytes(frame: string | Uint8Array): Uint8Array {
  return typeof frame === "string" ? Buffer.from(frame, "utf8") : frame;
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

/**
 * A ZAP client for a context's sockets: undefined answers when no handler is bound in its inproc
 * name space (`scope`, see inproc.ts; the pipe is made on first use).
 */
export function createZapClient(scope?: object): ZapClient {
  let connection: ZapConnection | undefined;
  const ask = (request: ZapRequest) => {
    connection ??= new ZapConnection(scope);
    return connection.request(request);
  };
  return (request) => {
    // The handler may be bound in another thread (the global context's names are process-wide).
    const bound = isInprocBound(ZAP_ADDRESS, scope);
    if (bound === true) return ask(request);
    if (bound === false) return undefined;
    return bound.then((yes) => (yes ? ask(request) : undefined));
  };
}

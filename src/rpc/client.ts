import { Buffer } from "node:buffer";
import { Dealer, Subscriber, type SocketEvents } from "../zmq/index.js";
import { decodeBody, encodeBody, type Encoding } from "../common/codec.js";
import { ConnectionLostError, NoResult, RemoteError, RpcError, RpcTimeoutError } from "./errors.js";
import { type Logger, processWarningLogger } from "../util/logger.js";
import { type CurveClientKeys, clientSocketOptions } from "./curve.js";
import { RPCSignal } from "./signal.js";
import { formatRpcUrl, parseRpcUrl } from "./url.js";

export interface Inventory {
  json_methods: Record<string, number | null>;
  buffer_methods: Record<string, number | null>;
  signals: string[];
  properties: string[];
  name: string;
  plantrpc?: { version: number; encodings: string[]; web?: { methods: string; signals: string } };
}

export interface RPCClientOptions {
  /** ms to wait for the inventory (and the signal set-up). Default 1000. */
  timeout?: number;
  /** "auto" (default) uses MessagePack with plantrpc servers that offer it, JSON otherwise. */
  encoding?: Encoding | "auto";
  /** Subscribe to the server's signals at connect time when it has any. Default true. */
  signals?: boolean;
  /** Where failing signal listeners are reported. Default: a process warning. */
  logger?: Logger;
  /** Talk to a CURVE device: its public key (and optionally our own pair). */
  curve?: CurveClientKeys;
}

export interface CallOptions {
  /** ms to wait for this call; null = forever. Default: the method's inventory timeout. */
  timeout?: number | null;
}

/** A buffer method's result. */
export interface BufferResult {
  buffer: Uint8Array;
  info: Record<string, unknown>;
}

/** Each method of T, as a remote call returning a promise. */
export type RemoteProxy<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

function isInventory(reply: Reply): reply is Reply & Inventory {
  const table = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  return (
    table(reply.json_methods) &&
    table(reply.buffer_methods) &&
    Array.isArray(reply.signals) &&
    Array.isArray(reply.properties)
  );
}

/** A decoded reply object (what each event answers is in protocol-spec/rpc.md). */
type Reply = Record<string, unknown>;

interface Pending {
  resolve(frames: Buffer[]): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
  /** What the call is, for its error message. */
  what: string;
}

const EMPTY = Buffer.alloc(0);
const PROPERTY_TIMEOUT = 10000;

/**
 * A client of an RPC server (ours or the Python reference). It talks through a DEALER with a
 * request id in the envelope, so that calls can overlap, late replies to timed-out calls are
 * recognised and dropped, and a server restart does not wedge it.
 */
export class RPCClient {
  readonly url: string;
  inventory!: Inventory;
  private readonly socket: Dealer;
  private subscriber: Subscriber | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly signals = new Map<string, RPCSignal>();
  private nextId = (Math.random() * 0x1_0000_0000) >>> 0;
  private encoding: Encoding = "json";
  private stale = false;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  private readonly logger: Logger;
  private readonly security: Record<string, unknown>;

  private constructor(
    url: string,
    private readonly options: RPCClientOptions,
  ) {
    this.url = url;
    this.logger = options.logger ?? processWarningLogger;
    this.security = clientSocketOptions(options.curve);
    this.socket = new Dealer({ reconnectInterval: 100, reconnectMaxInterval: 2000, ...this.security });
  }

  /** Connects and fetches the inventory; rejects with RpcTimeoutError when nobody answers. */
  static async connect(url: string, options: RPCClientOptions = {}): Promise<RPCClient> {
    const client = new RPCClient(url, options);
    try {
      await client.open();
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  get name(): string {
    return this.inventory.name;
  }

  /** Connection events of the underlying socket ("handshake", "disconnect", ...). */
  get events(): SocketEvents {
    return this.socket.events;
  }

  private async open(): Promise<void> {
    parseRpcUrl(this.url);
    this.socket.connect(this.url);
    // Only a connection that completed its handshake carried requests: one refused during the
    // handshake (a wrong CURVE key) sent nothing, and its calls end at their timeout.
    let connected = false;
    this.socket.events.on("handshake", () => (connected = true));
    this.socket.events.on("disconnect", () => {
      // After a reconnection the server may be another process: fetch its inventory again.
      this.stale = true;
      if (connected) this.failPending();
      connected = false;
    });
    void this.readReplies();
    await this.fetchInventory();
  }

  private async fetchInventory(): Promise<void> {
    const timeout = this.options.timeout ?? 1000;
    const reply = await this.requestJson({ event: "GET_INVENTORY" }, timeout, "json", "GET_INVENTORY");
    if (!isInventory(reply)) {
      throw new RpcError(`${this.url} answered GET_INVENTORY with something that is not an inventory`);
    }
    const inventory = reply;
    this.inventory = inventory;
    const wanted = this.options.encoding ?? "auto";
    const offersMsgpack = inventory.plantrpc?.encodings?.includes("msgpack") ?? false;
    this.encoding = wanted === "auto" ? (offersMsgpack ? "msgpack" : "json") : wanted;
    if (this.encoding === "msgpack" && !offersMsgpack) {
      throw new RpcError(`${this.url} does not offer MessagePack (not a plantrpc server)`);
    }
    if ((this.options.signals ?? true) && inventory.signals.length > 0) await this.initSignals(timeout);
  }

  /**
   * Where the server publishes: its tcp signal port, or, reached over WebSocket, the signals
   * path its inventory gives (or `<path>/signals`) on the port we reached it at.
   */
  private signalsEndpoint(signalPort: number): string {
    const { scheme, host, port, path } = parseRpcUrl(this.url);
    if (scheme !== "ws" && scheme !== "wss") return formatRpcUrl(scheme, host, signalPort);
    const announced = this.inventory.plantrpc?.web?.signals;
    const signalsPath = announced ? new URL(announced).pathname : `${path.replace(/\/$/, "")}/signals`;
    return formatRpcUrl(scheme, host, port ?? (scheme === "wss" ? 443 : 80), signalsPath);
  }

  private async initSignals(timeout: number): Promise<void> {
    const reply = (await this.requestJson(
      { event: "INIT_SIGNALS_HANDLING" },
      timeout,
      "json",
      "INIT_SIGNALS_HANDLING",
    )) as {
      success?: boolean;
      signal_port?: number;
    };
    if (!reply?.success || typeof reply.signal_port !== "number") {
      throw new RpcError(`${this.url}: INIT_SIGNALS_HANDLING failed`);
    }
    const endpoint = this.signalsEndpoint(reply.signal_port);
    this.subscriber?.close();
    const sub = new Subscriber(this.security);
    this.subscriber = sub;
    sub.subscribe();
    const connected = sub.events.once("handshake");
    sub.connect(endpoint);
    // Signals published before our subscription reaches the server are lost (PUB/SUB):
    // waiting for the connection narrows that window.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([connected, new Promise((r) => (timer = setTimeout(r, timeout)))]);
    clearTimeout(timer);
    void this.readSignals(sub);
  }

  private async readSignals(sub: Subscriber): Promise<void> {
    for await (const [frame] of sub) {
      let message: { event?: unknown; signal?: unknown; args?: unknown };
      try {
        message = decodeBody(frame!, "json") as typeof message;
      } catch {
        continue; // not ours to judge: a bad publication must not stop the others
      }
      if (message?.event !== "EMIT_SIGNAL" || typeof message.signal !== "string") continue;
      const args = Array.isArray(message.args) ? message.args : [];
      const name = message.signal;
      this.signals
        .get(name)
        ?.emitEach((e) => this.logger.warn(`a listener of signal ${name} from ${this.url} threw`, e), ...args);
    }
  }

  // ---- requests ----

  private async readReplies(): Promise<void> {
    for await (const frames of this.socket) {
      // [request id, "", ...reply]; anything else is not a reply of ours.
      if (frames.length < 3 || frames[0]!.length !== 4 || frames[1]!.length !== 0) continue;
      const id = frames[0]!.readUInt32BE(0);
      const pending = this.pending.get(id);
      if (!pending) continue; // a late reply to a call that timed out
      this.pending.delete(id);
      if (pending.timer) clearTimeout(pending.timer);
      pending.resolve(frames.slice(2));
    }
  }

  private request(body: unknown, timeout: number | null, encoding: Encoding, what: string): Promise<Buffer[]> {
    if (this.closed) return Promise.reject(new RpcError("client is closed"));
    this.nextId = (this.nextId + 1) >>> 0;
    const id = this.nextId;
    const idFrame = Buffer.allocUnsafe(4);
    idFrame.writeUInt32BE(id);
    let frame: Buffer;
    try {
      frame = encodeBody(body, encoding);
    } catch (e) {
      return Promise.reject(new RpcError(`${what}: arguments cannot be sent: ${(e as Error).message}`));
    }
    return new Promise<Buffer[]>((resolve, reject) => {
      const pending: Pending = { resolve, reject, what };
      if (timeout !== null) {
        pending.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new RpcTimeoutError(`${what} on ${this.url}`, timeout));
        }, timeout);
      }
      this.pending.set(id, pending);
      this.socket.send([idFrame, EMPTY, frame]).catch((e) => {
        this.pending.delete(id);
        if (pending.timer) clearTimeout(pending.timer);
        reject(e);
      });
    });
  }

  /** The calls waiting on a lost connection: their replies cannot come any more. */
  private failPending(): void {
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new ConnectionLostError(p.what, this.url));
    }
  }

  private async requestJson(body: unknown, timeout: number | null, encoding: Encoding, what: string): Promise<Reply> {
    const frames = await this.request(body, timeout, encoding, what);
    const reply = decodeBody(frames[0]!);
    return typeof reply === "object" && reply !== null ? (reply as Reply) : {};
  }

  /** A reply that must say `success: true`; a failure reply becomes a RemoteError. */
  private async requestSuccess(body: unknown, timeout: number | null, what: string): Promise<Reply> {
    const reply = await this.requestJson(body, timeout, this.encoding, what);
    if (reply.success !== true) throw RemoteError.fromReply(reply, what);
    return reply;
  }

  /** Re-fetches the inventory first when the connection was lost since the last call. */
  private async fresh(): Promise<void> {
    if (!this.stale) return;
    this.refreshing ??= (async () => {
      this.stale = false;
      try {
        await this.fetchInventory();
      } catch (e) {
        this.stale = true;
        throw e;
      } finally {
        this.refreshing = undefined;
      }
    })();
    await this.refreshing;
  }

  /**
   * Calls a method. Resolves to its result (a buffer method's to a BufferResult, `{ buffer, info }`);
   * rejects with RemoteError when it failed on the server, RpcTimeoutError when no reply came in
   * time. `R` states what the caller expects: nothing checks it.
   */
  async call<R = unknown>(
    name: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<R> {
    await this.fresh();
    const kind =
      name in this.inventory.json_methods ? "json" : name in this.inventory.buffer_methods ? "buffer" : undefined;
    if (!kind) throw new RpcError(`${this.url} has no method named "${name}"`);
    const timeout = options.timeout !== undefined ? options.timeout : this.methodTimeout(name, kind);
    const frames = await this.request(
      { event: "METHOD_CALL", method: name, params: { args, kwargs } },
      timeout,
      this.encoding,
      `${name}()`,
    );
    const decoded = decodeBody(frames[0]!);
    const head = (typeof decoded === "object" && decoded !== null ? decoded : {}) as Reply;
    if (kind === "buffer") {
      if ("error" in head) throw RemoteError.fromReply(head, `${name}()`);
      const result: BufferResult = { buffer: frames[1] ?? EMPTY, info: head };
      return result as R;
    }
    if (head.success !== true) throw RemoteError.fromReply(head, `${name}()`);
    return head.result as R;
  }

  private methodTimeout(name: string, kind: "json" | "buffer"): number | null {
    const t = (kind === "json" ? this.inventory.json_methods : this.inventory.buffer_methods)[name];
    return t === undefined ? 10000 : t;
  }

  /** The reference's execute(): `[true, result]` or `[false, NoResult]`; timeouts still reject. */
  async execute<R = unknown>(
    name: string,
    params: { args?: unknown[]; kwargs?: Record<string, unknown> } = {},
  ): Promise<[true, R] | [false, NoResult]> {
    try {
      return [true, await this.call<R>(name, params.args ?? [], params.kwargs ?? {})];
    } catch (e) {
      if (e instanceof RemoteError) return [false, new NoResult(e.remoteError, e.traceback)];
      throw e;
    }
  }

  /** Reads a property; `T` states what the caller expects: nothing checks it. */
  async getProperty<T = unknown>(name: string, options: CallOptions = {}): Promise<T> {
    await this.fresh();
    const reply = await this.requestSuccess(
      { event: "PROPERTY_GET", property: name },
      options.timeout !== undefined ? options.timeout : PROPERTY_TIMEOUT,
      `get ${name}`,
    );
    return reply.value as T;
  }

  async setProperty(name: string, value: unknown, options: CallOptions = {}): Promise<void> {
    await this.fresh();
    await this.requestSuccess(
      { event: "PROPERTY_SET", property: name, value },
      options.timeout !== undefined ? options.timeout : PROPERTY_TIMEOUT,
      `set ${name}`,
    );
  }

  /** The client-side signal of that name: connect listeners to it. */
  signal<A extends unknown[] = unknown[]>(name: string): RPCSignal<A> {
    if (!this.inventory.signals.includes(name)) throw new RpcError(`${this.url} has no signal named "${name}"`);
    let signal = this.signals.get(name);
    if (!signal) {
      signal = new RPCSignal();
      this.signals.set(name, signal);
    }
    return signal as unknown as RPCSignal<A>;
  }

  /** Asks the server to stop; resolves once it acknowledged (or did not answer within 1 s). */
  async stopServer(): Promise<boolean> {
    try {
      const reply = await this.requestJson({ event: "STOP_SERVER" }, 1000, "json", "STOP_SERVER");
      return reply.success === true;
    } catch (e) {
      if (e instanceof RpcTimeoutError) return false;
      throw e;
    }
  }

  /** A typed proxy: `client.proxy<Camera>().get_image(false)` calls `get_image`. */
  proxy<T extends object>(): RemoteProxy<T> {
    return new Proxy({} as RemoteProxy<T>, {
      get: (_target, prop) => {
        if (typeof prop !== "string" || prop === "then") return undefined;
        return (...args: unknown[]) => this.call(prop, args);
      },
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new RpcError("client closed"));
    }
    this.pending.clear();
    this.socket.close();
    this.subscriber?.close();
  }
}

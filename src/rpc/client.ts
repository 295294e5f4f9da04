export type { BufferResult, CallOptions, RemoteProxy, RPCClientOptions, StreamCallOptions } from "./client-types.js";
export type { Inventory } from "./protocol.js";
import { Buffer } from "node:buffer";
import { Dealer, type SocketEvents, type Socket, type SocketOptions } from "../zmq/index.js";
import { CONSUME, raceAbort, WATCH } from "../zmq/internal.js";
import { decodeBody, type Encoding } from "../common/codec.js";
import { NoResult, NotAdmittedError, RemoteError, RpcError, RpcTimeoutError } from "./errors.js";
import { type Logger, processWarningLogger } from "../util/logger.js";
import { clientSocketOptions } from "./curve.js";
import { watchHandshakeTrouble } from "./handshake-trouble.js";
import { ClientSignals } from "./client-signals.js";
import { RequestChannel } from "./client-requests.js";
import { DEFAULT_STREAM_WINDOW, MAX_STREAM_WINDOW } from "./call-messages.js";
import { progressReports } from "./client-progress.js";
import { inventoryTimeout, timeLeft } from "./client-timeouts.js";
import { ClientStream } from "./client-stream.js";
import type {
  BufferResult,
  CallOptions,
  RemoteProxy,
  Reply,
  RPCClientOptions,
  StreamCallOptions,
} from "./client-types.js";
import {
  DEFAULT_METHOD_TIMEOUT_MS,
  type Inventory,
  isInventory,
  plantrpcKeyProblems,
  type RpcRequest,
  RpcEvent,
} from "./protocol.js";
import type { RPCSignal } from "./signal.js";
import { shownUrl } from "../util/shown-url.js";
import { clientSignalsEndpoint, parseRpcUrl } from "./url.js";
import { optionNames, refuseUnknownOptions } from "../common/options.js";

const EMPTY = Buffer.alloc(0);

const CLIENT_OPTIONS = optionNames<RPCClientOptions>()("timeout", "encoding", "signals", "logger", "curve", "signal");
/**
 * A client of an RPC server (ours or the Python reference). It talks through a DEALER with a
 * request id in the envelope, so that calls can overlap, late replies to timed-out calls are
 * recognised and dropped, and a server restart does not wedge it.
 */
export class RPCClient {
  /** The server's URL, as given to connect(). */
  readonly url: string;
  /** The URL as error messages give it (without the token's value). */
  private readonly shown: string;
  /** The server's inventory (methods, signals, properties, name), fetched again after a reconnection. */
  inventory!: Inventory;
  private readonly socket: Dealer;
  private readonly requests: RequestChannel;
  private readonly subscription: ClientSignals;
  private encoding: Encoding = "json";
  private stale = false;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  private readonly logger: Logger;
  private readonly security: SocketOptions<Socket>;

  private constructor(
    url: string,
    private readonly options: RPCClientOptions,
  ) {
    this.url = url;
    this.shown = shownUrl(url);
    this.logger = options.logger ?? processWarningLogger;
    this.security = clientSocketOptions(options.curve);
    this.socket = new Dealer({ reconnectInterval: 100, reconnectMaxInterval: 2000, ...this.security });
    this.requests = new RequestChannel(this.socket, this.shown);
    this.subscription = new ClientSignals(url, this.security, this.logger);
  }

  /** Connects and fetches the inventory; rejects with RpcTimeoutError when nobody answers. */
  static async connect(url: string, options: RPCClientOptions = {}): Promise<RPCClient> {
    refuseUnknownOptions(options, CLIENT_OPTIONS, "RPCClient.connect");
    options.signal?.throwIfAborted();
    const client = new RPCClient(url, options);
    try {
      await raceAbort(client.open(), options.signal);
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** The device's name, as its inventory gives it ("" when it is not registered). */
  get name(): string {
    return this.inventory.name;
  }

  /** Connection events of the underlying socket ("handshake", "disconnect", ...). */
  get events(): SocketEvents {
    return this.socket.events;
  }

  /** Connects, follows the connection's events, then fetches the inventory. */
  private async open(): Promise<void> {
    parseRpcUrl(this.url);
    this.socket.connect(this.url);
    // Only a connection that completed its handshake carried requests: one refused during the
    // handshake (a wrong CURVE key) sent nothing, and its calls end at their timeout.
    let connected = false;
    this.socket.events[WATCH]("handshake", () => (connected = true));
    this.requests.noReplyReason = watchHandshakeTrouble(this.socket.events, this.options.curve !== undefined);
    // A device that refuses us says so in the handshake: what waits would only time out.
    this.socket.events[WATCH]("handshake:error:auth", (event) => {
      const status = (event as { error?: { status?: number } }).error?.status ?? 400;
      this.requests.failPending((what, url) => new NotAdmittedError(what, url, status));
    });
    this.socket.events[WATCH]("disconnect", () => {
      // After a reconnection the server may be another process: fetch its inventory again.
      this.stale = true;
      if (connected) this.requests.failPending();
      connected = false;
    });
    this.socket[CONSUME]((frames) => this.requests.onReply(frames));
    await this.fetchInventory();
  }

  /** GET_INVENTORY, then the encoding to use, then the signals' subscription (unless turned off). */
  private async fetchInventory(): Promise<void> {
    const timeout = this.options.timeout ?? 1000;
    const reply = await this.requestJson({ event: RpcEvent.getInventory }, timeout, "json", RpcEvent.getInventory);
    if (!isInventory(reply)) {
      throw new RpcError(`${this.shown} answered GET_INVENTORY with something that is not an inventory`);
    }
    const inventory = reply;
    // The extension's key is read only when well-formed: otherwise the device is taken for one
    // without the extension (its lists and tables are used as such: a number would throw).
    const keyProblems = inventory.plantrpc === undefined ? [] : plantrpcKeyProblems(inventory.plantrpc);
    if (keyProblems.length > 0) {
      this.logger.warn(
        `${this.shown}: the inventory's "plantrpc" key is malformed (${keyProblems.join("; ")}): ignored`,
      );
      delete inventory.plantrpc;
    }
    this.inventory = inventory;
    const wanted = this.options.encoding ?? "auto";
    const offersMsgpack = inventory.plantrpc?.encodings?.includes("msgpack") ?? false;
    this.encoding = wanted === "auto" ? (offersMsgpack ? "msgpack" : "json") : wanted;
    if (this.encoding === "msgpack" && !offersMsgpack) {
      throw new RpcError(`${this.shown} does not offer MessagePack (not a plantrpc server)`);
    }
    if ((this.options.signals ?? true) && inventory.signals.length > 0) await this.initSignals(timeout);
  }

  /** INIT_SIGNALS_HANDLING, then subscribes to the signal port it gives. */
  private async initSignals(timeout: number): Promise<void> {
    const reply = (await this.requestJson({ event: RpcEvent.initSignals }, timeout, "json", RpcEvent.initSignals)) as {
      success?: boolean;
      signal_port?: number;
    };
    if (!reply?.success || typeof reply.signal_port !== "number") {
      throw new RpcError(`${this.shown}: INIT_SIGNALS_HANDLING failed`);
    }
    const endpoint = clientSignalsEndpoint(this.url, reply.signal_port, this.inventory.plantrpc?.web);
    await this.subscription.subscribe(endpoint, timeout);
  }

  // ---- requests ----

  /** A request whose reply is one object (JSON or MessagePack); anything else reads as `{}`. */
  private async requestJson(
    body: unknown,
    timeout: number | null,
    encoding: Encoding,
    what: string,
    reportedTimeout = timeout,
    signal?: AbortSignal,
  ): Promise<Reply> {
    const frames = await this.requests.request(body, { timeout, encoding, what, reportedTimeout, signal });
    const reply = decodeBody(frames[0]!);
    return typeof reply === "object" && reply !== null ? (reply as Reply) : {};
  }

  /** A reply that must say `success: true`; a failure reply becomes a RemoteError. */
  private async requestSuccess(
    body: unknown,
    timeout: number | null,
    what: string,
    reportedTimeout = timeout,
    signal?: AbortSignal,
  ): Promise<Reply> {
    const reply = await this.requestJson(body, timeout, this.encoding, what, reportedTimeout, signal);
    if (reply.success !== true) throw RemoteError.fromReply(reply, what);
    return reply;
  }

  /** fresh(), given up with RpcTimeoutError at the deadline (the refresh goes on for later calls). */
  private async freshBefore(deadline: number | null, what: string, timeout: number | null): Promise<void> {
    if (!this.stale) return;
    if (deadline === null) return this.fresh();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RpcTimeoutError(`${what} on ${this.shown}`, timeout!, this.requests.noReplyReason())),
        timeLeft(deadline)!,
      );
    });
    try {
      await Promise.race([this.fresh(), late]);
    } finally {
      clearTimeout(timer);
    }
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
    // The timeout bounds the whole call, an inventory refresh after a reconnection included.
    options.signal?.throwIfAborted();
    const timeout = options.timeout !== undefined ? options.timeout : this.methodTimeout(name);
    const deadline = timeout === null ? null : performance.now() + timeout;
    if (this.stale) await raceAbort(this.freshBefore(deadline, `${name}()`, timeout), options.signal);
    const kind =
      name in this.inventory.json_methods ? "json" : name in this.inventory.buffer_methods ? "buffer" : undefined;
    if (!kind) throw new RpcError(`${this.shown} has no method named "${name}"`);
    if (Object.hasOwn(this.inventory.plantrpc?.streams ?? {}, name)) {
      throw new RpcError(`${name} on ${this.shown} is a stream method: read it with client.stream("${name}")`);
    }
    const features = this.inventory.plantrpc?.calls ?? [];
    const progress = options.onProgress !== undefined && features.includes("progress");
    const onProgress = options.onProgress;
    const frames = await this.requests.request(
      {
        event: RpcEvent.methodCall,
        method: name,
        params: { args, kwargs },
        ...(progress ? { plantrpc: { progress: true } } : {}),
      },
      {
        timeout: timeLeft(deadline),
        encoding: this.encoding,
        what: `${name}()`,
        reportedTimeout: timeout,
        signal: options.signal,
        cancel: features.includes("cancel"),
        ...(progress && onProgress
          ? { interim: progressReports(onProgress, this.encoding, this.logger, `${name}()`) }
          : {}),
      },
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

  /**
   * Reads a stream method (a plantrpc device's `registerMethodStream`) as an async iterable of
   * its items: values, or BufferResults for a stream of buffers. The call starts at the first
   * read; the device never runs more than `window` items ahead of the reader; `break`, the
   * signal or an item's timeout stops the device's work too; a failure on the device is thrown
   * as RemoteError where the loop reads. Several streams and calls may run at once.
   */
  stream<T = unknown>(
    name: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
    options: StreamCallOptions = {},
  ): AsyncIterableIterator<T> {
    const streams = this.inventory.plantrpc?.streams ?? {};
    if (!Object.hasOwn(streams, name)) throw new RpcError(`${this.shown} has no stream named "${name}"`);
    const window = options.window ?? DEFAULT_STREAM_WINDOW;
    if (!(Number.isInteger(window) && window >= 1 && window <= MAX_STREAM_WINDOW)) {
      throw new RpcError(`stream ${name}: window must be an integer from 1 to ${MAX_STREAM_WINDOW}`);
    }
    options.signal?.throwIfAborted();
    return new ClientStream<T>(this.requests, {
      body: { event: RpcEvent.methodCall, method: name, params: { args, kwargs } },
      encoding: this.encoding,
      what: `${name}()`,
      shown: this.shown,
      window,
      timeout: options.timeout !== undefined ? options.timeout : inventoryTimeout(streams[name] ?? null),
      signal: options.signal,
    });
  }

  /** The method's timeout in the inventory known so far (10 s for a method it does not list). */
  private methodTimeout(name: string): number | null {
    const { json_methods: json, buffer_methods: buffer } = this.inventory;
    if (Object.hasOwn(json, name)) return inventoryTimeout(json[name]);
    return Object.hasOwn(buffer, name) ? inventoryTimeout(buffer[name]) : DEFAULT_METHOD_TIMEOUT_MS;
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
    const reply = await this.propertyRequest({ event: RpcEvent.propertyGet, property: name }, options, `get ${name}`);
    return reply.value as T;
  }

  /** Writes a property; rejects with RemoteError when the device refused the value. */
  async setProperty(name: string, value: unknown, options: CallOptions = {}): Promise<void> {
    await this.propertyRequest({ event: RpcEvent.propertySet, property: name, value }, options, `set ${name}`);
  }

  /** PROPERTY_GET or PROPERTY_SET, after the inventory is refreshed if the server may have changed. */
  private async propertyRequest(body: RpcRequest, options: CallOptions, what: string): Promise<Reply> {
    options.signal?.throwIfAborted();
    const timeout = options.timeout !== undefined ? options.timeout : DEFAULT_METHOD_TIMEOUT_MS;
    const deadline = timeout === null ? null : performance.now() + timeout;
    if (this.stale) await raceAbort(this.freshBefore(deadline, what, timeout), options.signal);
    return this.requestSuccess(body, timeLeft(deadline), what, timeout, options.signal);
  }

  /** The client-side signal of that name: connect listeners to it. */
  signal<A extends unknown[] = unknown[]>(name: string): RPCSignal<A> {
    if (!this.inventory.signals.includes(name)) throw new RpcError(`${this.shown} has no signal named "${name}"`);
    const signal = this.subscription.signal(name);
    return signal as unknown as RPCSignal<A>;
  }

  /** Asks the server to stop; resolves once it acknowledged (or did not answer within 1 s). */
  async stopServer(): Promise<boolean> {
    try {
      const reply = await this.requestJson({ event: RpcEvent.stopServer }, 1000, "json", RpcEvent.stopServer);
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

  /** `using client = await RPCClient.connect(...)`: closed at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using client = await RPCClient.connect(...)`: closed at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** Closes the connection and the signal subscription; waiting calls reject with RpcError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.requests.close();
    this.socket.close();
    this.subscription.close();
  }
}

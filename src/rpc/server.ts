import type { Buffer } from "node:buffer";
import { setImmediate } from "node:timers";
import { endpointPort, Router, splitEnvelope, type ZmqError, type Socket, type SocketOptions } from "../zmq/index.js";
import { CONSUME, holdProcess } from "../zmq/internal.js";
import { decodeBody, detectEncoding, encodeBody, type Encoding } from "../common/codec.js";
import {
  BadRequest,
  arityOf,
  bindArguments,
  checkBufferResult,
  encodeResult,
  failure,
  readForCompare,
  stringField,
} from "./request.js";
import { serverSocketOptions } from "./curve.js";
import {
  type AnyFunction,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_MAX_REQUEST,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_QUEUED,
  HANDSHAKE_MS,
  type MethodEntry,
  type MethodOptions,
  type PropertyEntry,
  type PropertyOptions,
  RANDOM_PORT_RANGE,
  type RPCServerOptions,
} from "./server-options.js";
import { RpcError } from "./errors.js";
import { DEFAULT_METHOD_TIMEOUT_MS, type Inventory, PLANTRPC_INVENTORY, RpcEvent } from "./protocol.js";
import { RPCSignal } from "./signal.js";
import { SignalPublisher } from "./signal-publisher.js";
import { formatRpcUrl, parseRpcUrl, parseWebUrl, type RpcUrl } from "./url.js";
import { webSocketOptions } from "./web-access.js";
import { optionNames, refuseUnknownOptions } from "../common/options.js";

/** Largest message a signal publisher takes from a subscriber (a subscription: a topic). */
const MAX_SUBSCRIPTION = 64 * 1024;
import { notifySystemd } from "../common/systemd.js";

export type { AnyFunction, MethodOptions, PropertyOptions, RPCServerOptions } from "./server-options.js";
export { PLANTRPC_INVENTORY } from "./protocol.js";

const SERVER_OPTIONS = optionNames<RPCServerOptions>()(
  "url",
  "aliveTimeout",
  "curve",
  "web",
  "webAccess",
  "maxRequestSize",
  "maxConcurrentCalls",
  "maxQueuedBytes",
  "maxConnections",
);

/**
 * A device: methods (JSON or binary), properties and signals, served over ZeroMQ with the
 * reference's wire protocol. A ROUTER socket lets async methods of different clients run
 * concurrently; REQ clients cannot tell it from a REP.
 */
export class RPCServer {
  /** The URL given (`tcp://host[:port]`); the port bound is `port`. */
  readonly url: string;
  /** Seconds a registry should keep us after each alive check (the option's value, 60 by default). */
  aliveTimeout: number;
  /** The name a registry gave us ("" when not registered); sent in the inventory. */
  name = "";
  /** Bound port and endpoint, once started. */
  port: number | undefined;
  /** The endpoint bound (`tcp://127.0.0.1:10342`), once started. */
  endpoint: string | undefined;

  /** The ROUTER socket requests come in on (and replies go out on). */
  protected readonly socket: Router;
  private readonly parsedUrl: RpcUrl;
  private readonly methods = new Map<string, MethodEntry>();
  private readonly properties = new Map<string, PropertyEntry>();
  private readonly signals = new Map<string, RPCSignal>();
  private readonly signalPublisher: SignalPublisher;
  /** The ws:// endpoints, once bound: methods and signals. */
  webEndpoints:
    | {
        /** Where the method socket is bound over WebSocket, with its real port. */
        methods: string;
        /** Where the signals' PUB socket is bound: `<path>/signals` on the same port. */
        signals: string;
      }
    | undefined;
  private started: Promise<void> | undefined;
  private serving = false;
  /** Requests being handled now. */
  private active = 0;
  private readonly maxConcurrent: number;
  private stopped = false;
  private resolveStopped: (() => void) | undefined;
  private readonly stoppedPromise = new Promise<void>((r) => (this.resolveStopped = r));
  private readonly stopHooks: Array<() => unknown> = [];
  /** Socket options for CURVE, when the server is secured. */
  private readonly security: SocketOptions<Socket>;
  private watchdogTimer: ReturnType<typeof setInterval> | undefined;

  /**
   * A server for `options.url`, not yet bound (see start() and serveForever()). Throws a
   * TypeError for a missing URL or an unknown option, and an RpcError for a URL it cannot serve.
   */
  constructor(options: RPCServerOptions) {
    refuseUnknownOptions(options, SERVER_OPTIONS, "RPCServer");
    if (typeof options?.url !== "string")
      throw new TypeError('RPCServer: the option "url" is required (tcp://host[:port])');
    this.url = options.url;
    this.parsedUrl = parseRpcUrl(options.url);
    this.security = serverSocketOptions(options.curve);
    const web = webSocketOptions(options.webAccess);
    this.socket = new Router({
      ...this.security,
      ...web,
      maxMessageSize: options.maxRequestSize ?? DEFAULT_MAX_REQUEST,
      sendHighWaterBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      handshakeInterval: HANDSHAKE_MS,
    });
    this.aliveTimeout = options.aliveTimeout ?? 60;
    this.maxConcurrent = Math.max(1, options.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT);
    this.web = options.web === undefined ? undefined : parseWebUrl(options.web);
    const signalOptions = {
      ...this.security,
      ...web,
      maxMessageSize: MAX_SUBSCRIPTION,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    };
    this.signalPublisher = new SignalPublisher(signalOptions, () => {
      const { scheme, host } = this.parsedUrl;
      return [`${scheme}://${host}:0`, ...(this.webEndpoints ? [this.webEndpoints.signals] : [])];
    });
  }

  private readonly web: RpcUrl | undefined;

  // ---- registration ----

  /** Exposes `fn` as a method whose arguments and result travel as JSON (or MessagePack). */
  registerMethodJson(name: string, fn: AnyFunction, options: MethodOptions = {}): this {
    return this.addMethod(name, "json", fn, options);
  }

  /** `fn` returns `[bytes, info]` (or a promise of it): the bytes go out as a raw frame. */
  registerMethodBuffer(
    name: string,
    fn: (
      ...args: Parameters<AnyFunction>
    ) => [Uint8Array | ArrayBuffer, object] | Promise<[Uint8Array | ArrayBuffer, object]>,
    options: MethodOptions = {},
  ): this {
    return this.addMethod(name, "buffer", fn, options);
  }

  /** Checks a method's name, function and options, then registers it. */
  private addMethod(name: string, kind: "json" | "buffer", fn: AnyFunction, options: MethodOptions): this {
    if (typeof name !== "string" || name === "") throw new RpcError("a method needs a non-empty name");
    if (typeof fn !== "function") throw new RpcError(`method ${name}: not a function`);
    if (this.methods.has(name)) throw new RpcError(`method ${name} is already registered`);
    const timeout = options.timeout === undefined ? DEFAULT_METHOD_TIMEOUT_MS : options.timeout;
    if (timeout !== null && !(Number.isInteger(timeout) && timeout > 0)) {
      throw new RpcError(`method ${name}: timeout must be a positive number of ms, or null for none`);
    }
    if (
      options.params !== undefined &&
      !(Array.isArray(options.params) && options.params.every((p) => typeof p === "string"))
    ) {
      throw new RpcError(`method ${name}: params must be the parameter names, in order`);
    }
    this.methods.set(name, { kind, fn, timeout, params: options.params, arity: options.params?.length ?? arityOf(fn) });
    return this;
  }

  /** Declares a signal; emitting it publishes it to every client, once per emission. */
  registerSignal<A extends unknown[] = unknown[]>(
    name: string,
    signal: RPCSignal<A> = new RPCSignal<A>(),
  ): RPCSignal<A> {
    if (this.signals.has(name)) throw new RpcError(`signal ${name} is already registered`);
    const untyped = signal as unknown as RPCSignal;
    this.signals.set(name, untyped);
    signal.connect((...args: A) => this.signalPublisher.publish(name, untyped, args));
    return signal;
  }

  /** Exposes a property: its getter, its setter (without one, read-only), the signal that announces changes. */
  registerProperty<T>(name: string, options: PropertyOptions<T>): this {
    if (this.properties.has(name)) throw new RpcError(`property ${name} is already registered`);
    let notify: RPCSignal | undefined;
    if (typeof options.notify === "string") {
      notify = this.signals.get(options.notify);
      if (!notify) throw new RpcError(`property ${name}: notify signal ${options.notify} is not registered`);
    } else {
      notify = options.notify as RPCSignal | undefined;
    }
    this.properties.set(name, {
      get: options.get,
      set: options.set as ((value: unknown) => unknown) | undefined,
      notify,
      autoNotify: options.autoNotify ?? false,
    });
    return this;
  }

  // ---- lifecycle ----

  /** Binds the server socket; `port` and `endpoint` are set once it resolves. */
  start(): Promise<void> {
    this.started ??= this.bind();
    return this.started;
  }

  /** Binds the URL (on a free port when it has none), then the web endpoint if any. */
  private async bind(): Promise<void> {
    const { scheme, host, port } = this.parsedUrl;
    if (port !== undefined) {
      await this.socket.bind(formatRpcUrl(scheme, host, port));
    } else {
      await this.bindRandomPort(scheme, host);
    }
    this.endpoint = this.socket.lastEndpoint!;
    this.port = endpointPort(this.endpoint);
    if (this.web) await this.bindWeb(this.web);
  }

  /** The method socket at the web path, and the signals' path beside it on the same port. */
  private async bindWeb({ scheme, host, port, path }: RpcUrl): Promise<void> {
    await this.socket.bind(formatRpcUrl(scheme, host, port ?? 0, path || "/"));
    const methods = this.socket.lastEndpoint!;
    const bound = new URL(methods);
    const signals = formatRpcUrl(scheme, host, Number(bound.port), `${path.replace(/\/$/, "")}/signals`);
    this.webEndpoints = { methods, signals };
  }

  /** Binds a random port in [10000, 12000) (RANDOM_PORT_RANGE), another while one is in use (100 tries). */
  private async bindRandomPort(scheme: string, host: string): Promise<void> {
    const [low, high] = RANDOM_PORT_RANGE;
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = low + Math.floor(Math.random() * (high - low));
      try {
        await this.socket.bind(formatRpcUrl(scheme, host, port));
        return;
      } catch (e) {
        if ((e as ZmqError).code !== "EADDRINUSE") throw e;
      }
    }
    throw new RpcError(`no free port in [${low}, ${high}) on ${host}`);
  }

  /** Serves until stopServer() or a STOP_SERVER request; resolves once stopped. */
  async serveForever(): Promise<void> {
    if (this.stopped) throw new RpcError("this server was stopped; create a new one");
    await this.start();
    if (!this.serving) {
      this.serving = true;
      this.serve();
      void notifySystemd("READY=1");
      if (typeof process !== "undefined" && process.env?.NOTIFY_SOCKET) {
        this.watchdogTimer = setInterval(() => void notifySystemd("WATCHDOG=1"), 2000);
        this.watchdogTimer.unref?.();
      }
    }
    // A serving device holds the process until it stops (its requests come through a consumer
    // hook, not a waiting receive).
    const release = holdProcess();
    try {
      await this.stoppedPromise;
    } finally {
      release();
    }
  }

  /** The address a registry should give clients: the server's URL with its bound port. */
  get registeredAddress(): string {
    const { scheme, host } = this.parsedUrl;
    return formatRpcUrl(scheme, host, this.port!);
  }

  /**
   * Runs `hook` when the server stops (a registration unregisters there); `stopped` resolves
   * once every hook has settled.
   */
  onStop(hook: () => unknown): void {
    this.stopHooks.push(hook);
  }

  /** Takes requests as they arrive (no promise per message), up to maxConcurrentCalls at once. */
  private serve(): void {
    const max = this.maxConcurrent;
    const finished = () => {
      if (this.active-- === max && !this.socket.closed) this.socket[CONSUME](take);
    };
    const take = (frames: Buffer[]) => {
      this.active++;
      this.handle(frames).then(finished, finished);
      if (this.active === max) this.socket[CONSUME](take, true);
    };
    this.socket[CONSUME](take);
  }

  /** Stops serving (and unregisters); queued replies are still sent. The server cannot serve again. */
  stopServer(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    const hooks = this.stopHooks.splice(0).map(async (hook) => hook());
    this.name = "";
    this.socket.close();
    this.signalPublisher.close();
    void notifySystemd("STOPPING=1");
    void Promise.allSettled(hooks).then(() => this.resolveStopped!());
  }

  /** Same as stopServer(). */
  close(): void {
    this.stopServer();
  }

  /** `using server = new RPCServer(...)`: stopped at the end of the block. */
  [Symbol.dispose](): void {
    this.stopServer();
  }

  /** `await using server = ...`: stopped at the end of the block, its stop hooks (unregistering) awaited. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.stopServer();
    await this.stoppedPromise;
  }

  /** stopServer() was called (by the program or a STOP_SERVER request). */
  get isStopped(): boolean {
    return this.stopped;
  }

  // ---- requests ----

  /** Answers one request: its envelope echoed back, then the reply (or the failure). */
  private async handle(frames: Buffer[]): Promise<void> {
    // [routing id, ...envelope, "", body]: everything up to the delimiter is echoed back.
    const request = splitEnvelope(frames);
    if (!request) return; // no envelope: cannot be answered
    const { envelope } = request;
    const body = request.body[0];
    let encoding: Encoding = "json";
    let reply: Uint8Array[];
    try {
      if (!body) throw new BadRequest("empty request");
      encoding = detectEncoding(body);
      reply = await this.dispatch(this.parseRequest(body, encoding), encoding);
    } catch (e) {
      reply = [encodeBody(failure(e), encoding)];
    }
    if (!this.socket.closed) await this.socket.send([...envelope, ...reply]).catch(() => {});
  }

  /** The request's object; a BadRequest when the body is not an object with an `event`. */
  private parseRequest(body: Buffer, encoding: Encoding): Record<string, unknown> {
    let request: unknown;
    try {
      request = decodeBody(body, encoding);
    } catch (e) {
      throw new BadRequest(
        `request is not valid ${encoding === "json" ? "JSON" : "MessagePack"}: ${(e as Error).message}`,
      );
    }
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      throw new BadRequest("request must be an object");
    }
    if (typeof (request as { event?: unknown }).event !== "string") {
      throw new BadRequest('request has no "event"');
    }
    return request as Record<string, unknown>;
  }

  /** The reply's frames for a request, by its event. */
  private async dispatch(request: Record<string, unknown>, encoding: Encoding): Promise<Uint8Array[]> {
    const json = (value: unknown) => [encodeBody(value, encoding)];
    switch (request.event) {
      case RpcEvent.getInventory:
        return json(this.inventory());
      case RpcEvent.initSignals:
        return json({ success: true, signal_port: await this.signalPublisher.ensure() });
      case RpcEvent.methodCall:
        return this.callMethod(request, encoding);
      case RpcEvent.propertyGet:
        return json({ success: true, value: (await this.getProperty(stringField(request, "property"))) ?? null });
      case RpcEvent.propertySet:
        if (!("value" in request)) throw new BadRequest('PROPERTY_SET needs a "value"');
        await this.setProperty(stringField(request, "property"), request.value);
        return json({ success: true });
      case RpcEvent.stopServer:
        // Reply first: the reply is queued before the socket closes, and close() lingers.
        setImmediate(() => this.stopServer());
        return json({ success: true });
      default:
        throw new BadRequest(`unknown event "${String(request.event)}"`);
    }
  }

  /** What GET_INVENTORY answers: methods with their timeouts, signals, properties. */
  inventory(): Inventory {
    const table = (kind: "json" | "buffer") =>
      Object.fromEntries([...this.methods].filter(([, m]) => m.kind === kind).map(([n, m]) => [n, m.timeout]));
    return {
      json_methods: table("json"),
      buffer_methods: table("buffer"),
      signals: [...this.signals.keys()],
      properties: [...this.properties.keys()],
      name: this.name,
      plantrpc: {
        ...PLANTRPC_INVENTORY,
        encodings: [...PLANTRPC_INVENTORY.encodings],
        ...(this.webEndpoints ? { web: this.webEndpoints } : {}),
      },
    };
  }

  /** METHOD_CALL: the method's result, or for a buffer method its info and its bytes (two frames). */
  private async callMethod(request: Record<string, unknown>, encoding: Encoding): Promise<Uint8Array[]> {
    const name = stringField(request, "method");
    const method = this.methods.get(name);
    if (!method)
      return [encodeBody({ success: false, error: `Method ${name} not implemented`, traceback: "" }, encoding)];
    const args = bindArguments(name, method.params, request.params, method.arity);
    const result = await method.fn(...args);
    if (method.kind === "json") {
      // A method returning nothing answers null, as Python's None: the key must be there.
      return [encodeResult({ success: true, result: result === undefined ? null : result }, encoding)];
    }
    const [bytes, info] = checkBufferResult(name, result);
    return [encodeResult(info, encoding), bytes];
  }

  /** PROPERTY_GET: the getter's value. */
  private async getProperty(name: string): Promise<unknown> {
    return this.property(name).get();
  }

  /** PROPERTY_SET: calls the setter; with autoNotify, emits the notify signal when the value read back changed. */
  private async setProperty(name: string, value: unknown): Promise<void> {
    const p = this.property(name);
    if (!p.set) throw new BadRequest(`property ${name} is read-only`);
    const watch = p.autoNotify && p.notify;
    const before = watch ? await readForCompare(p) : undefined;
    await p.set(value);
    if (!watch) return;
    const after = await readForCompare(p);
    if (after.key !== before!.key) p.notify!.emit(after.value);
  }

  /** A registered property; a BadRequest for an unknown name. */
  private property(name: string): PropertyEntry {
    const p = this.properties.get(name);
    if (!p) throw new BadRequest(`no property named "${name}"`);
    return p;
  }
}

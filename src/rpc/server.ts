import type { Buffer } from "node:buffer";
import { setImmediate } from "node:timers";
import { Router, splitEnvelope } from "../zmq/index.js";
import { CONSUME, holdProcess, PEER_ALIVE, PEER_GONE } from "../zmq/internal.js";
import { detectEncoding, encodeBody, type Encoding } from "../common/codec.js";
import { BadRequest, failure, parseRequest, requestId, stringField } from "./request.js";
import { methodEntry, propertyEntry } from "./server-registration.js";
import { bindRpcUrl, bindWebUrl } from "./server-binding.js";
import { readProperty, writeProperty } from "./server-properties.js";
import { CALL_FEATURES } from "./call-messages.js";
import { CancellableCalls, type CallContext, callRoute, routePrefix } from "./server-calls.js";
import { type CallHost, callMethod } from "./server-method-call.js";
import { RequestAdmission } from "./server-admission.js";
import { type ServerSecurity, serverSecurity } from "./curve.js";
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
  type RPCServerOptions,
  type StreamOptions,
} from "./server-options.js";
import { RpcError } from "./errors.js";
import { type Inventory, PLANTRPC_INVENTORY, RpcEvent } from "./protocol.js";
import { RPCSignal } from "./signal.js";
import { SignalPublisher } from "./signal-publisher.js";
import { formatRpcUrl, parseRpcUrl, parseWebUrl, type RpcUrl } from "./url.js";
import { webSocketOptions } from "./web-access.js";
import { optionNames, refuseUnknownOptions } from "../common/options.js";

/** Largest message a signal publisher takes from a subscriber (a subscription: a topic). */
const MAX_SUBSCRIPTION = 64 * 1024;
import { notifySystemd } from "../common/systemd.js";

export type { AnyFunction, MethodOptions, PropertyOptions, RPCServerOptions, StreamOptions } from "./server-options.js";
export type { CallContext } from "./server-calls.js";
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
  /** Stops or resumes reading requests, once serving. */
  private pauseReading: (paused: boolean) => void = () => {};
  /** How many requests are served at once, and what waits. */
  private readonly admission: RequestAdmission;
  /** Calls that their callers can give up (CANCEL, a closed connection). */
  private readonly calls = new CancellableCalls((routingId) => this.socket[PEER_ALIVE](routingId));
  /** What a method call needs from this server. */
  private readonly callHost: CallHost = {
    calls: this.calls,
    send: (envelope, frames) => (this.socket.closed ? Promise.resolve() : this.socket.send([...envelope, ...frames])),
    idle: { waiting: () => this.admission.streamWaiting(), going: () => this.admission.streamGoing() },
  };
  private stopped = false;
  private resolveStopped: (() => void) | undefined;
  private readonly stoppedPromise = new Promise<void>((r) => (this.resolveStopped = r));
  private readonly stopHooks: Array<() => unknown> = [];
  /** CURVE, when the server is secured: socket options, and the clients admitted. */
  private readonly security: ServerSecurity;
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
    this.security = serverSecurity(options.curve);
    const web = webSocketOptions(options.webAccess);
    this.socket = new Router({
      ...this.security.options,
      ...web,
      maxMessageSize: options.maxRequestSize ?? DEFAULT_MAX_REQUEST,
      sendHighWaterBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      handshakeInterval: HANDSHAKE_MS,
    });
    this.aliveTimeout = options.aliveTimeout ?? 60;
    this.admission = new RequestAdmission(
      Math.max(1, options.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT),
      (frames) => this.handle(frames),
      (paused) => this.pauseReading(paused),
    );
    this.web = options.web === undefined ? undefined : parseWebUrl(options.web);
    const signalOptions = {
      ...this.security.options,
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

  /**
   * Exposes a stream method (protocol-spec/rpc.md, section 8): `fn` takes a CallContext, then
   * the caller's arguments, and returns an async iterable (an `async function*`) of values, or of
   * `[bytes, info]` buffers with `items: "buffer"`. A plantrpc client reads it with
   * `client.stream(name)`, at its own pace: the device is never more than the reader's window
   * ahead, and a reader that stops (`break`, abort, close) aborts `call.signal` and closes the
   * generator. Python clients see it as a JSON method whose call fails, saying it is a stream.
   */
  registerMethodStream(
    name: string,
    fn: (call: CallContext, ...args: Parameters<AnyFunction>) => AsyncIterable<unknown> | Iterable<unknown>,
    options: StreamOptions = {},
  ): this {
    if (options.items !== undefined && options.items !== "json" && options.items !== "buffer") {
      throw new RpcError(`stream ${name}: items must be "json" or "buffer"`);
    }
    return this.addMethod(name, "stream", fn, { ...options, callContext: true }, options.items ?? "json");
  }

  /** Checks a method's name, function and options, then registers it. */
  private addMethod(
    name: string,
    kind: MethodEntry["kind"],
    fn: AnyFunction,
    options: MethodOptions,
    items?: MethodEntry["items"],
  ): this {
    const entry = methodEntry(name, kind, fn, options, items);
    if (this.methods.has(name)) throw new RpcError(`method ${name} is already registered`);
    this.methods.set(name, entry);
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
    this.properties.set(name, propertyEntry(name, options, this.signals));
    return this;
  }

  // ---- lifecycle ----

  /** Binds the server socket; `port` and `endpoint` are set once it resolves. */
  start(): Promise<void> {
    this.started ??= this.bind();
    return this.started;
  }

  /** Admits its clients (CURVE allowKeys), then binds; a bind that fails takes the admission away. */
  private async bind(): Promise<void> {
    await this.security.start();
    try {
      await this.bindEndpoints();
    } catch (e) {
      // Not serving after all: its clients' policy goes (the shared authenticator with it).
      await this.security.stop();
      throw e;
    }
  }

  /** Binds the URL (on a free port when it has none), then the web endpoint if any. */
  private async bindEndpoints(): Promise<void> {
    const { endpoint, port } = await bindRpcUrl(this.socket, this.parsedUrl);
    this.endpoint = endpoint;
    this.port = port;
    if (this.web) this.webEndpoints = await bindWebUrl(this.socket, this.web);
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

  /** Takes requests as they arrive (no promise per message), as admission allows (server-admission.ts). */
  private serve(): void {
    const take = (frames: Buffer[]) => this.admission.take(frames);
    this.pauseReading = (paused) => {
      if (!this.socket.closed) this.socket[CONSUME](take, paused);
    };
    this.socket[CONSUME](take);
    this.socket[PEER_GONE]((routingId) => this.calls.peerGone(routingId));
  }

  /** Stops serving (and unregisters); queued replies are still sent. The server cannot serve again. */
  stopServer(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    const hooks = [...this.stopHooks.splice(0), () => this.security.stop()].map(async (hook) => hook());
    this.name = "";
    this.calls.abortAll();
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
    let reply: Uint8Array[] | undefined;
    try {
      if (!body) throw new BadRequest("empty request");
      encoding = detectEncoding(body);
      reply = await this.dispatch(parseRequest(body, encoding), encoding, envelope);
    } catch (e) {
      reply = [encodeBody(failure(e), encoding)];
    }
    if (reply && !this.socket.closed) await this.socket.send([...envelope, ...reply]).catch(() => {});
  }

  /** The reply's frames for a request, by its event (none for CANCEL and STREAM_CREDIT). */
  private async dispatch(
    request: Record<string, unknown>,
    encoding: Encoding,
    envelope: Buffer[],
  ): Promise<Uint8Array[] | undefined> {
    const json = (value: unknown) => [encodeBody(value, encoding)];
    switch (request.event) {
      case RpcEvent.cancel:
        // Without a request id: the whole route (a gateway's page that left).
        if (request.request === undefined) this.calls.cancelRoute(routePrefix(envelope));
        else this.calls.cancel(callRoute(envelope, requestId(request)));
        return undefined;
      case RpcEvent.streamCredit:
        // A number, or nothing granted (Number() of an object from the wire may throw).
        this.calls.credit(
          callRoute(envelope, requestId(request)),
          typeof request.credit === "number" ? request.credit : Number.NaN,
        );
        return undefined;
      case RpcEvent.getInventory:
        return json(this.inventory());
      case RpcEvent.initSignals:
        return json({ success: true, signal_port: await this.signalPublisher.ensure() });
      case RpcEvent.methodCall:
        return this.callMethod(request, encoding, envelope);
      case RpcEvent.propertyGet:
        return json({
          success: true,
          value: (await readProperty(this.properties, stringField(request, "property"))) ?? null,
        });
      case RpcEvent.propertySet:
        if (!("value" in request)) throw new BadRequest('PROPERTY_SET needs a "value"');
        await writeProperty(this.properties, stringField(request, "property"), request.value);
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
    const table = (kind: MethodEntry["kind"]) =>
      Object.fromEntries([...this.methods].filter(([, m]) => m.kind === kind).map(([n, m]) => [n, m.timeout]));
    return {
      // Streams are listed among the JSON methods too: a reference client that calls one by name
      // reads the failure reply (a name absent from its tables would wedge its REQ socket).
      json_methods: { ...table("json"), ...table("stream") },
      buffer_methods: table("buffer"),
      signals: [...this.signals.keys()],
      properties: [...this.properties.keys()],
      name: this.name,
      plantrpc: {
        ...PLANTRPC_INVENTORY,
        encodings: [...PLANTRPC_INVENTORY.encodings],
        calls: [...CALL_FEATURES],
        streams: table("stream"),
        ...(this.webEndpoints ? { web: this.webEndpoints } : {}),
      },
    };
  }

  /** METHOD_CALL: the method's result, or for a buffer method its info and its bytes (two frames). */
  private async callMethod(
    request: Record<string, unknown>,
    encoding: Encoding,
    envelope: Buffer[],
  ): Promise<Uint8Array[]> {
    const name = stringField(request, "method");
    const method = this.methods.get(name);
    if (!method)
      return [encodeBody({ success: false, error: `Method ${name} not implemented`, traceback: "" }, encoding)];
    return callMethod(this.callHost, name, method, request, encoding, envelope);
  }
}

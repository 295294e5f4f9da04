import { Buffer } from "node:buffer";
import { RpcEvent } from "../rpc/protocol.js";
import { signalsEndpoint } from "../rpc/url.js";
import {
  Dealer,
  Proxy as ZmqProxy,
  Request,
  Router,
  XPublisher,
  XSubscriber,
  type Socket,
  type SocketOptions,
} from "../zmq/index.js";
import { PEER_GONE, WATCH } from "../zmq/internal.js";

/** What the gateway sends a device offering cancellation when a page leaves: its calls end. */
const CANCEL_ROUTE = [Buffer.alloc(4), Buffer.alloc(0), Buffer.from(JSON.stringify({ event: RpcEvent.cancel }))];

/** Between two attempts to learn the signal port of a device that did not answer: doubling up to. */
const ASK_BACKOFF_MAX_MS = 60_000;
/** Reconnection to a device that went away: doubling from 100 ms up to. */
const RECONNECT_MAX_MS = 30_000;

/**
 * One device seen through the gateway: a ROUTER at `<base>/<name>` relayed to a DEALER connected
 * to the device (requests and replies pass as they are, envelopes included, so REP devices such
 * as the Python reference answer as to any client), and the device's signals relayed from its
 * PUB to an XPUB at `<base>/<name>/signals`, where an RPC client reached over WebSocket looks.
 *
 * A device listed but not opened costs two routes on the WebSocket port and nothing else: the
 * gateway connects to the device when a page connects to either path, asks its signal port then
 * (backing off from a device that does not answer), and lets the device go once no page has been
 * connected for a while. Thousands of registered devices, reachable or not, cost no work until
 * a page opens one.
 */
export class DeviceRelay {
  readonly methods: string;
  readonly signals: string;
  private readonly front: Router;
  /** The device's side, made when a page first opens the device. */
  private back: Dealer | undefined;
  private readonly xpub: XPublisher;
  private xsub: XSubscriber | undefined;
  private readonly running: Promise<void>[] = [];
  private methodsProxy: ZmqProxy | undefined;
  private signalsProxy: ZmqProxy | undefined;
  /** Page connections open on either path. */
  private pages = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private connected = false;
  private signalsConnected = false;
  /** The device offers cancellation (its inventory says so): a page that leaves cancels its calls. */
  private cancels = false;
  /** Where the device publishes: undefined until it said, null when it has no signals. */
  private signalsAt: string | null | undefined;
  private asking: Promise<void> | undefined;
  private failedAsks = 0;
  private nextAsk = 0;
  private closed = false;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly address: string,
    base: string,
    /** Socket options of the browser-facing sides (access rules, limits). */
    frontOptions: SocketOptions<Socket>,
    /** ms the device may take to answer the relay's own request (its signal port). */
    private readonly timeout: number,
    /** ms the device's connections are kept once no page is left (a page reloading keeps them). */
    private readonly idleTimeout: number,
  ) {
    this.methods = `${base}/${encodeURIComponent(name)}`;
    this.signals = `${this.methods}/signals`;
    this.front = new Router(frontOptions);
    this.xpub = new XPublisher(frontOptions);
  }

  /** Binds both paths; nothing goes to the device until a page connects. */
  async start(): Promise<void> {
    try {
      await this.front.bind(this.methods);
      await this.xpub.bind(this.signals);
    } catch (e) {
      this.closeSockets();
      throw e;
    }
    this.running.push(this.followPages(this.front), this.followPages(this.xpub));
    this.front[PEER_GONE]((page) => this.pageGone(page));
  }

  /**
   * A page's connection closed: a device that offers cancellation is told to give up its calls
   * (protocol-spec/rpc.md, section 8.3), as it would be by the page's own connection closing.
   */
  private pageGone(page: Buffer): void {
    if (!this.cancels || !this.connected || !this.back || this.closed) return;
    void this.back.send([page, ...CANCEL_ROUTE]).catch(() => {});
  }

  /** Whether a page is connected (the gateway then retries what the device did not answer). */
  get opened(): boolean {
    return this.pages > 0;
  }

  /**
   * Asks the device for its signal port, unless it has answered, a request is under way, or the
   * last failure's backoff has not run out; the gateway calls it again at each look at the
   * registry while a page is connected.
   */
  connectSignals(): void {
    if (this.signalsAt !== undefined || this.asking || this.closed || Date.now() < this.nextAsk) return;
    this.asking = this.askSignalPort()
      .then((port) => {
        this.failedAsks = 0;
        this.signalsAt = port === undefined ? null : signalsEndpoint(this.address, port);
        if (this.connected) this.connectDevice();
      })
      .catch(() => {
        // Not now: calls still pass; asked again after 1, 2, 4 ... 60 s.
        this.nextAsk = Date.now() + Math.min(1000 * 2 ** this.failedAsks++, ASK_BACKOFF_MAX_MS);
      })
      .finally(() => {
        this.asking = undefined;
      });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      clearTimeout(this.idleTimer);
      this.closeSockets();
    }
    return Promise.allSettled([...this.running, this.asking]).then(() => undefined);
  }

  private closeSockets(): void {
    for (const proxy of [this.methodsProxy, this.signalsProxy]) proxy?.terminate();
    for (const socket of [this.front, this.back, this.xpub, this.xsub]) socket?.close();
  }

  /** Counts the pages connected to one path, from the socket's own events. */
  private async followPages(socket: Socket): Promise<void> {
    try {
      for await (const event of socket.events) {
        if (event.type === "accept") this.pageArrived();
        else if (event.type === "disconnect") this.pageLeft();
      }
    } catch {
      // the socket closed
    }
  }

  private pageArrived(): void {
    this.pages++;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.closed) return;
    this.connectDevice();
    this.connectSignals();
  }

  private pageLeft(): void {
    if (--this.pages > 0 || this.closed) return;
    this.idleTimer = setTimeout(() => this.disconnectDevice(), this.idleTimeout);
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  /** Connects what is known of the device (methods, and signals once their port is known). */
  private connectDevice(): void {
    if (this.closed) return;
    if (!this.connected) {
      this.connected = true;
      if (!this.back) {
        this.back = new Dealer({ reconnectMaxInterval: RECONNECT_MAX_MS });
        // The device may be another program after a reconnection (a reference device restarted
        // in place of a plantrpc one): whether it offers cancellation is learnt again.
        this.back.events[WATCH]("disconnect", () => (this.cancels = false));
        this.back.events[WATCH]("handshake", () => void this.learnCancels());
      }
      this.back.connect(this.address);
      this.methodsProxy ??= this.run(this.front, this.back);
    }
    if (this.signalsAt && !this.signalsConnected) {
      // The XSUB sends the pages' subscriptions again on each connection.
      this.signalsConnected = true;
      this.xsub ??= new XSubscriber();
      this.xsub.connect(this.signalsAt);
      this.signalsProxy ??= this.run(this.xpub, this.xsub);
    }
  }

  /** No page for idleTimeout ms: no connection to the device is kept (nor retried, if it is away). */
  private disconnectDevice(): void {
    this.idleTimer = undefined;
    if (this.pages > 0 || this.closed || !this.connected) return;
    this.connected = false;
    // A connection that failed for good (a device speaking CURVE, a port that is no ZeroMQ) has
    // ended its connect() already: disconnect() then has nothing to end, and says so.
    ignoreFailure(() => this.back?.disconnect(this.address));
    const signalsAt = this.signalsAt;
    if (this.signalsConnected && signalsAt) ignoreFailure(() => this.xsub?.disconnect(signalsAt));
    this.signalsConnected = false;
  }

  private run(front: Socket, back: Socket): ZmqProxy {
    const proxy = new ZmqProxy(front, back);
    this.running.push(proxy.run().catch(() => {}));
    return proxy;
  }

  /**
   * Whether the device offers cancellation, from its inventory (a reference device would stop on
   * a CANCEL it does not know): asked on each connection to it.
   */
  private async learnCancels(): Promise<void> {
    const req = new Request({
      receiveTimeout: this.timeout,
      sendTimeout: this.timeout,
      linger: 0,
      maxMessageSize: 1024 * 1024,
    });
    try {
      req.connect(this.address);
      await req.send(JSON.stringify({ event: RpcEvent.getInventory }));
      const [inventory] = await req.receive();
      this.cancels = offersCancel(inventory);
    } catch {
      this.cancels = false; // not known: not sent
    } finally {
      req.close();
    }
  }

  /** The device's PUB port: INIT_SIGNALS_HANDLING, as any client asks it. */
  private async askSignalPort(): Promise<number | undefined> {
    const req = new Request({
      receiveTimeout: this.timeout,
      sendTimeout: this.timeout,
      linger: 0,
      maxMessageSize: 64 * 1024,
    });
    try {
      req.connect(this.address);
      await req.send(JSON.stringify({ event: RpcEvent.initSignals }));
      const [reply] = await req.receive();
      const port = (JSON.parse(String(reply)) as { signal_port?: unknown }).signal_port;
      return typeof port === "number" ? port : undefined;
    } finally {
      req.close();
    }
  }
}

function ignoreFailure(action: () => void): void {
  try {
    action();
  } catch {
    // nothing left to undo
  }
}

/** Whether an inventory (as a device sent it) lists the `cancel` feature of the call extension. */
function offersCancel(inventory: Buffer | undefined): boolean {
  try {
    const calls = (JSON.parse(String(inventory)) as { plantrpc?: { calls?: unknown } }).plantrpc?.calls;
    return Array.isArray(calls) && calls.includes("cancel");
  } catch {
    return false;
  }
}

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

/**
 * One device seen through the gateway: a ROUTER at `<base>/<name>` relayed to a DEALER connected
 * to the device (requests and replies pass as they are, envelopes included, so REP devices such
 * as the Python reference answer as to any client), and the device's signals relayed from its
 * PUB to an XPUB at `<base>/<name>/signals`, where an RPC client reached over WebSocket looks.
 *
 * Both paths are bound at once; the device is asked for its signal port in the background, so
 * that a slow or unreachable device delays no other (pages' subscriptions wait in the XPUB's
 * queue until the signals' proxy starts, once the device has answered).
 */
export class DeviceRelay {
  readonly methods: string;
  readonly signals: string;
  private readonly proxies: ZmqProxy[] = [];
  private readonly running: Promise<void>[] = [];
  private readonly xpub: XPublisher;
  private readonly xsub = new XSubscriber();
  private signalsConnected = false;
  private asking: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly address: string,
    base: string,
    /** Socket options of the browser-facing sides (access rules, limits). */
    private readonly frontOptions: SocketOptions<Socket>,
    /** ms the device may take to answer the relay's own request (its signal port). */
    private readonly timeout: number,
  ) {
    this.methods = `${base}/${encodeURIComponent(name)}`;
    this.signals = `${this.methods}/signals`;
    this.xpub = new XPublisher(frontOptions);
  }

  async start(): Promise<void> {
    const front = new Router(this.frontOptions);
    const back = new Dealer();
    try {
      await front.bind(this.methods);
      await this.xpub.bind(this.signals);
    } catch (e) {
      front.close();
      back.close();
      throw e;
    }
    back.connect(this.address);
    this.run(new ZmqProxy(front, back));
    this.connectSignals();
  }

  /**
   * Asks the device for its signal port, unless it has answered already or a request is under
   * way; the gateway calls it again at each look at the registry until the device answers.
   */
  connectSignals(): void {
    if (this.signalsConnected || this.asking || this.closed) return;
    this.asking = this.askSignalPort()
      .then((port) => {
        if (this.closed) return;
        if (port !== undefined) {
          this.xsub.connect(signalsEndpoint(this.address, port));
          this.run(new ZmqProxy(this.xpub, this.xsub));
        }
        this.signalsConnected = true; // a device without signals is not asked again
      })
      .catch(() => {}) // not now: calls still pass, and the next look asks again
      .finally(() => {
        this.asking = undefined;
      });
  }

  close(): Promise<void> {
    if (!this.closed) for (const proxy of this.proxies) proxy.terminate();
    this.closed = true;
    this.xpub.close();
    this.xsub.close();
    return Promise.allSettled([...this.running, this.asking]).then(() => undefined);
  }

  private run(proxy: ZmqProxy): void {
    this.proxies.push(proxy);
    this.running.push(proxy.run().catch(() => {}));
  }

  /** The device's PUB port: INIT_SIGNALS_HANDLING, as any client asks it. */
  private async askSignalPort(): Promise<number | undefined> {
    const req = new Request({ receiveTimeout: this.timeout, sendTimeout: this.timeout, linger: 0 });
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

import { Dealer, Proxy as ZmqProxy, Request, Router, XPublisher, XSubscriber } from "../zmq/index.js";
import { signalsEndpoint } from "../rpc/url.js";

/**
 * One device seen through the gateway: a ROUTER at `<base>/<name>` relayed to a DEALER connected
 * to the device (requests and replies pass as they are, envelopes included, so REP devices such
 * as the Python reference answer as to any client), and the device's signals relayed from its
 * PUB to an XPUB at `<base>/<name>/signals`, where an RPC client reached over WebSocket looks.
 */
export class DeviceRelay {
  readonly methods: string;
  readonly signals: string;
  private readonly proxies: ZmqProxy[] = [];
  private readonly running: Promise<void>[] = [];

  constructor(
    readonly name: string,
    readonly address: string,
    base: string,
    private readonly timeout: number,
  ) {
    this.methods = `${base}/${encodeURIComponent(name)}`;
    this.signals = `${this.methods}/signals`;
  }

  async start(): Promise<void> {
    const front = new Router();
    const back = new Dealer();
    try {
      await front.bind(this.methods);
    } catch (e) {
      front.close();
      back.close();
      throw e;
    }
    back.connect(this.address);
    this.run(new ZmqProxy(front, back));
    const signalPort = await this.askSignalPort().catch(() => undefined);
    if (signalPort === undefined) return; // no signals, or not now: calls still pass
    const xpub = new XPublisher();
    const xsub = new XSubscriber();
    await xpub.bind(this.signals);
    xsub.connect(signalsEndpoint(this.address, signalPort));
    this.run(new ZmqProxy(xpub, xsub));
  }

  close(): Promise<void> {
    for (const proxy of this.proxies) proxy.terminate();
    return Promise.allSettled(this.running).then(() => undefined);
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
      await req.send(JSON.stringify({ event: "INIT_SIGNALS_HANDLING" }));
      const [reply] = await req.receive();
      const port = (JSON.parse(String(reply)) as { signal_port?: unknown }).signal_port;
      return typeof port === "number" ? port : undefined;
    } finally {
      req.close();
    }
  }
}

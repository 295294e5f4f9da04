import { type DeviceEntry, listDevices } from "../registry/index.js";
import { Dealer, Proxy as ZmqProxy, Router } from "../zmq/index.js";
import { DeviceRelay } from "./device-relay.js";

export interface GatewayOptions {
  /** The plantrpc registry whose devices are relayed (it must answer LIST). */
  registry: string;
  /** `ws://host:port[/path]`: where browsers connect; `:0` for a free port. */
  listen: string;
  /** ms between two looks at the registry. Default 1000. */
  pollInterval?: number;
  /** ms a device or the registry may take to answer the gateway's own requests. Default 2000. */
  timeout?: number;
}

export type GatewayEvent =
  | { event: "listening"; base: string; registry: string }
  | { event: "added"; name: string; address: string; methods: string; signals: string }
  | { event: "removed"; name: string; address: string }
  | { event: "error"; name?: string; error: Error };

/**
 * Lets browsers reach devices that speak only tcp (every Python device): one WebSocket port, a
 * path per registered device (`<listen>/<name>`, signals at `<listen>/<name>/signals`) and the
 * registry itself at `<listen>/registry`. Frames are relayed, never decoded.
 */
export class Gateway {
  /** The WebSocket base, with its real port, once started. */
  base: string | undefined;
  private readonly relays = new Map<string, DeviceRelay>();
  private registryProxy: ZmqProxy | undefined;
  private registryRunning: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly listeners: Array<(e: GatewayEvent) => void> = [];

  constructor(private readonly options: GatewayOptions) {}

  on(listener: (e: GatewayEvent) => void): void {
    this.listeners.push(listener);
  }

  /** The devices relayed now: name -> their WebSocket endpoints. */
  get devices(): Record<string, { address: string; methods: string; signals: string }> {
    return Object.fromEntries(
      [...this.relays].map(([name, r]) => [name, { address: r.address, methods: r.methods, signals: r.signals }]),
    );
  }

  /** Binds `<listen>/registry` (fixing the port), then follows the registry. */
  async start(): Promise<void> {
    const front = new Router();
    const back = new Dealer();
    const listen = this.options.listen.replace(/\/$/, "");
    await front.bind(`${listen}/registry`);
    this.base = front.lastEndpoint!.replace(/\/registry$/, "");
    back.connect(this.options.registry);
    this.registryProxy = new ZmqProxy(front, back);
    this.registryRunning = this.registryProxy.run().catch(() => {});
    this.emit({ event: "listening", base: this.base, registry: `${this.base}/registry` });
    await this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.registryProxy?.terminate();
    await Promise.all([...this.relays.values()].map((r) => r.close()));
    this.relays.clear();
    await this.registryRunning;
  }

  private async poll(): Promise<void> {
    try {
      const devices = await listDevices(this.options.registry, { timeout: this.options.timeout ?? 2000 });
      await this.follow(devices);
    } catch (e) {
      this.emit({ event: "error", error: e as Error });
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.poll(), this.options.pollInterval ?? 1000);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Relays what the registry lists, and only that (a device that moved is relayed anew). */
  private async follow(devices: Record<string, DeviceEntry>): Promise<void> {
    for (const [name, relay] of this.relays) {
      if (devices[name]?.addr === relay.address) continue;
      this.relays.delete(name);
      await relay.close();
      this.emit({ event: "removed", name, address: relay.address });
    }
    for (const [name, { addr }] of Object.entries(devices)) {
      if (this.relays.has(name) || this.stopped) continue;
      const relay = new DeviceRelay(name, addr, this.base!, this.options.timeout ?? 2000);
      try {
        await relay.start();
      } catch (e) {
        await relay.close();
        this.emit({ event: "error", name, error: e as Error });
        continue;
      }
      this.relays.set(name, relay);
      this.emit({ event: "added", name, address: addr, methods: relay.methods, signals: relay.signals });
    }
  }

  private emit(e: GatewayEvent): void {
    for (const l of this.listeners) l(e);
  }
}

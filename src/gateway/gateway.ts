import type { Socket, SocketOptions } from "../zmq/index.js";
import { type DeviceEntry, listDevices } from "../registry/index.js";
import { parseRpcUrl } from "../rpc/url.js";
import { type WebAccess, webSocketOptions } from "../rpc/web-access.js";
import { AddressFilter, isLoopback, localHostNames } from "./access.js";
import { DeviceRelay } from "./device-relay.js";
import { RegistryRoute } from "./registry-route.js";

/** Options of `new Gateway()`: where it listens, whom it lets in, how it finds devices. */
export interface GatewayOptions {
  /** The plantrpc registry whose devices are relayed (it must answer LIST). */
  registry: string;
  /** `ws://host:port[/path]`: where browsers connect; `:0` for a free port. */
  listen: string;
  /** ms between two looks at the registry. Default 1000. */
  pollInterval?: number;
  /** ms a device or the registry may take to answer the gateway's own requests. Default 2000. */
  timeout?: number;
  /**
   * Which pages may connect, with what token. Default: no page (403), and Host headers that
   * name this machine only (the loopback names, the address listened on; `allowedHosts` adds
   * names, `["*"]` any). Clients that are not browsers send no Origin: only the token concerns them.
   */
  access?: WebAccess;
  /**
   * Listen on an address other than loopback without a token: anyone who reaches the port can
   * then drive every device. Without this, `start()` refuses.
   */
  noToken?: boolean;
  /**
   * The device addresses that may be relayed: host names or IP addresses as the registry lists
   * them, or IPv4 ranges (`10.0.0.0/24`). Default: any address that the registry lists.
   */
  allowedAddresses?: readonly string[];
  /** Largest message a page may send, in octets. Default 64 MiB (as a device's requests). */
  maxMessageSize?: number;
}

/** What a gateway reports as it runs (pages connecting, devices reached, refusals). */
export type GatewayEvent =
  | { event: "listening"; base: string; registry: string }
  | { event: "added"; name: string; address: string; methods: string; signals: string }
  | { event: "removed"; name: string; address: string }
  | { event: "refused"; name: string; address: string; reason: string }
  | { event: "error"; name?: string; error: Error };

const DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024;

/**
 * Lets browsers reach devices that speak only tcp (every Python device): one WebSocket port, a
 * path per registered device (`<listen>/<name>`, signals at `<listen>/<name>/signals`) and a
 * read-only view of the registry at `<listen>/registry` (LIST). Frames are relayed, never decoded.
 */
export class Gateway {
  /** The WebSocket base, with its real port, once started. */
  base: string | undefined;
  private readonly relays = new Map<string, DeviceRelay>();
  private readonly refused = new Map<string, string>();
  private readonly registryRoute: RegistryRoute;
  private readonly frontOptions: SocketOptions<Socket>;
  private readonly addresses: AddressFilter | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly listeners: Array<(e: GatewayEvent) => void> = [];

  constructor(private readonly options: GatewayOptions) {
    const access = options.access ?? {};
    const listenHost = parseRpcUrl(options.listen.replace(/\/$/, "")).host;
    const hosts = access.allowedHosts?.includes("*")
      ? undefined
      : [...localHostNames(listenHost), ...(access.allowedHosts ?? [])];
    this.frontOptions = {
      ...webSocketOptions({ ...access, allowedHosts: hosts }),
      maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE,
    };
    if (access.token === undefined && !options.noToken && !isLoopback(listenHost)) {
      throw new TypeError(
        `a gateway listening on ${options.listen} (not loopback) needs a token (access.token), ` +
          "or noToken: true to let anyone who reaches it drive every device",
      );
    }
    this.addresses = options.allowedAddresses ? new AddressFilter(options.allowedAddresses) : undefined;
    this.registryRoute = new RegistryRoute(this.frontOptions, () => this.listed());
  }

  /** Calls `listener` with each event of the gateway (pages, devices, refusals). */
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
    const listen = this.options.listen.replace(/\/$/, "");
    const bound = await this.registryRoute.bind(`${listen}/registry`);
    this.base = bound.replace(/\/registry$/, "");
    this.emit({ event: "listening", base: this.base, registry: `${this.base}/registry` });
    await this.poll();
  }

  /** Closes the WebSocket port and every connection through it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.registryRoute.close();
    await Promise.all([...this.relays.values()].map((r) => r.close()));
    this.relays.clear();
  }

  /** What the registry route answers to LIST: the devices a page can reach through us. */
  private listed(): Record<string, DeviceEntry> {
    return Object.fromEntries([...this.relays].map(([name, r]) => [name, { type: r.type, addr: r.address }]));
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

  /**
   * Relays what the registry lists, and only that (a device that moved is relayed anew). New
   * relays start together: none waits for another device to answer.
   */
  private async follow(devices: Record<string, DeviceEntry>): Promise<void> {
    for (const [name, relay] of this.relays) {
      if (devices[name]?.addr === relay.address) continue;
      this.relays.delete(name);
      await relay.close();
      this.emit({ event: "removed", name, address: relay.address });
    }
    for (const relay of this.relays.values()) relay.connectSignals();
    const starting = Object.entries(devices)
      .filter(([name, d]) => !this.relays.has(name) && this.admits(name, d))
      .map(([name, d]) => this.startRelay(name, d));
    await Promise.all(starting);
  }

  /** Whether a listed device may be relayed; a refusal is reported once per name and address. */
  private admits(name: string, device: DeviceEntry): boolean {
    if (this.stopped) return false;
    const reason = this.refusal(device.addr);
    if (reason === undefined) {
      this.refused.delete(name);
      return true;
    }
    if (this.refused.get(name) !== device.addr) {
      this.refused.set(name, device.addr);
      this.emit({ event: "refused", name, address: device.addr, reason });
    }
    return false;
  }

  private refusal(address: string): string | undefined {
    let url: ReturnType<typeof parseRpcUrl>;
    try {
      url = parseRpcUrl(address);
    } catch {
      return "not a device address";
    }
    if (url.scheme !== "tcp" || url.port === undefined) return "not a tcp://host:port address";
    if (this.addresses && !this.addresses.allows(url.host)) return "not in the allowed addresses";
    return undefined;
  }

  private async startRelay(name: string, device: DeviceEntry): Promise<void> {
    const relay = new DeviceRelay(
      name,
      device.type,
      device.addr,
      this.base!,
      this.frontOptions,
      this.options.timeout ?? 2000,
    );
    try {
      await relay.start();
    } catch (e) {
      await relay.close();
      this.emit({ event: "error", name, error: e as Error });
      return;
    }
    if (this.stopped) {
      await relay.close();
      return;
    }
    this.relays.set(name, relay);
    this.emit({ event: "added", name, address: device.addr, methods: relay.methods, signals: relay.signals });
  }

  private emit(e: GatewayEvent): void {
    for (const l of this.listeners) l(e);
  }
}

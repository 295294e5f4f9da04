import type { Socket, SocketOptions } from "../zmq/index.js";
import { type DeviceEntry, listDevices } from "../registry/index.js";
import { parseRpcUrl } from "../rpc/url.js";
import { type WebAccess, webSocketOptions } from "../rpc/web-access.js";
import { AddressFilter, isLoopback, localHostNames } from "./access.js";
import { DeviceRelay } from "./device-relay.js";
import { RegistryRoute } from "./registry-route.js";
import { optionNames, refuseUnknownOptions } from "../common/options.js";

const GATEWAY_OPTIONS = optionNames<GatewayOptions>()(
  "registry",
  "listen",
  "pollInterval",
  "timeout",
  "access",
  "noToken",
  "allowedAddresses",
  "maxMessageSize",
  "maxDevices",
  "maxQueuedBytes",
  "idleTimeout",
);
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
  /**
   * Devices relayed at most; past it, the devices listed later are not relayed (a `full` event
   * says how many). Default 1000. Anyone who reaches an unauthenticated registry can fill it:
   * run the registry with CURVE where that matters.
   */
  maxDevices?: number;
  /**
   * Octets of replies waiting for one page: from half of it the gateway stops reading that
   * page's requests, past it the replies are dropped (the page's calls time out). Default 64 MiB.
   */
  maxQueuedBytes?: number;
  /** ms a device's connections are kept once no page is connected to it. Default 10000. */
  idleTimeout?: number;
}

/** What a gateway reports as it runs (pages connecting, devices reached, refusals). */
export type GatewayEvent =
  | {
      /** The WebSocket port is bound (start()). */
      event: "listening";
      /** The WebSocket base, with its real port: device paths are `<base>/<name>`. */
      base: string;
      /** The read-only registry route, `<base>/registry`. */
      registry: string;
    }
  | {
      /** A device is relayed from now on. */
      event: "added";
      /** The device's name in the registry, which its path carries. */
      name: string;
      /** The device's own address, as the registry lists it (`tcp://host:port`). */
      address: string;
      /** Where pages call its methods: `<base>/<name>`. */
      methods: string;
      /** Where pages subscribe to its signals: `<base>/<name>/signals`. */
      signals: string;
    }
  | {
      /** A device is no longer relayed: the registry no longer lists it, or lists it elsewhere. */
      event: "removed";
      /** The device's name in the registry. */
      name: string;
      /** The address it was relayed from. */
      address: string;
    }
  | {
      /** A listed device is not relayed (said once per name and address). */
      event: "refused";
      /** The device's name in the registry. */
      name: string;
      /** The address the registry lists for it. */
      address: string;
      /** Why: not a tcp://host:port address, or not in allowedAddresses. */
      reason: string;
    }
  | {
      /** Devices start being left out for maxDevices (notRelayed > 0), or stop being (0). */
      event: "full";
      /** The cap: the gateway's maxDevices option. */
      maxDevices: number;
      /** Devices listed but not relayed at the last look at the registry. */
      notRelayed: number;
    }
  | {
      /** The registry could not be read, or a device's paths could not be bound. */
      event: "error";
      /** The device whose paths failed; absent when the registry could not be read. */
      name?: string;
      /** The registry request's failure (a timeout...), or the bind's. */
      error: Error;
    };

const DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024;
const DEFAULT_MAX_DEVICES = 1000;
const DEFAULT_MAX_QUEUED = 64 * 1024 * 1024;
/** Pages connected to one device's path at once (the port's own caps apply besides). */
const PAGES_PER_DEVICE = 256;

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
  private readonly maxDevices: number;
  /** The newest device list not yet applied, and the application under way. */
  private latest: Record<string, DeviceEntry> | undefined;
  private following: Promise<void> | undefined;
  /** Devices listed but left out for the cap, at the last look. */
  private notRelayed = 0;
  private stopped = false;
  private readonly listeners: Array<(e: GatewayEvent) => void> = [];

  /**
   * A gateway, not yet listening (see start()). Throws a TypeError for an unknown option, and for
   * a listen address other than loopback without a token (unless noToken).
   */
  constructor(private readonly options: GatewayOptions) {
    refuseUnknownOptions(options, GATEWAY_OPTIONS, "Gateway");
    const access = options.access ?? {};
    const listenHost = parseRpcUrl(options.listen.replace(/\/$/, "")).host;
    const hosts = access.allowedHosts?.includes("*")
      ? undefined
      : [...localHostNames(listenHost), ...(access.allowedHosts ?? [])];
    this.frontOptions = {
      ...webSocketOptions({ ...access, allowedHosts: hosts }),
      maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE,
      sendHighWaterBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED,
      maxConnections: PAGES_PER_DEVICE,
    };
    if (access.token === undefined && !options.noToken && !isLoopback(listenHost)) {
      throw new TypeError(
        `a gateway listening on ${options.listen} (not loopback) needs a token (access.token), ` +
          "or noToken: true to let anyone who reaches it drive every device",
      );
    }
    this.addresses = options.allowedAddresses ? new AddressFilter(options.allowedAddresses) : undefined;
    this.maxDevices = options.maxDevices ?? DEFAULT_MAX_DEVICES;
    this.registryRoute = new RegistryRoute(this.frontOptions, () => this.listed());
  }

  /** Calls `listener` with each event of the gateway (pages, devices, refusals). */
  on(listener: (e: GatewayEvent) => void): void {
    this.listeners.push(listener);
  }

  /** The devices relayed now: name -> their WebSocket endpoints. */
  get devices(): Record<
    string,
    {
      /** The device's own address, as the registry lists it (`tcp://host:port`). */
      address: string;
      /** Where pages call its methods: `<base>/<name>`. */
      methods: string;
      /** Where pages subscribe to its signals: `<base>/<name>/signals`. */
      signals: string;
    }
  > {
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
    await this.following;
    await this.registryRoute.close();
    await Promise.all([...this.relays.values()].map((r) => r.close()));
    this.relays.clear();
  }

  /** What the registry route answers to LIST: the devices a page can reach through us. */
  private listed(): Record<string, DeviceEntry> {
    return Object.fromEntries([...this.relays].map(([name, r]) => [name, { type: r.type, addr: r.address }]));
  }

  /**
   * Looks at the registry, then again every pollInterval whatever the relays are doing: the
   * list is applied by follow(), one list at a time, the newest one waiting.
   */
  private async poll(): Promise<void> {
    try {
      this.latest = await listDevices(this.options.registry, { timeout: this.options.timeout ?? 2000 });
    } catch (e) {
      this.emit({ event: "error", error: e as Error });
    }
    const applied = this.applyLatest();
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.poll(), this.options.pollInterval ?? 1000);
      (this.timer as { unref?: () => void }).unref?.();
    }
    return applied;
  }

  /** Applies the newest list, then any that came meanwhile; one run at a time (its promise). */
  private applyLatest(): Promise<void> {
    if (this.following !== undefined) return this.following;
    this.following = (async () => {
      while (this.latest && !this.stopped) {
        const devices = this.latest;
        this.latest = undefined;
        await this.follow(devices);
      }
    })().finally(() => {
      this.following = undefined;
    });
    return this.following;
  }

  /**
   * Relays what the registry lists, and only that (a device that moved is relayed anew), up to
   * maxDevices. New relays start together: none waits for another device to answer.
   */
  private async follow(devices: Record<string, DeviceEntry>): Promise<void> {
    const leaving: Promise<void>[] = [];
    for (const [name, relay] of this.relays) {
      if (devices[name]?.addr === relay.address) continue;
      this.relays.delete(name);
      leaving.push(relay.close());
      this.emit({ event: "removed", name, address: relay.address });
    }
    for (const name of this.refused.keys()) if (!(name in devices)) this.refused.delete(name);
    for (const relay of this.relays.values()) if (relay.opened) relay.connectSignals();
    const room = this.maxDevices - this.relays.size;
    const wanted = Object.entries(devices).filter(([name, d]) => !this.relays.has(name) && this.admits(name, d));
    this.reportFull(Math.max(0, wanted.length - room));
    await Promise.all([...leaving, ...wanted.slice(0, Math.max(0, room)).map(([name, d]) => this.startRelay(name, d))]);
  }

  /** Says when devices start or stop being left out for the cap (not once per device: a flood would fill the log). */
  private reportFull(notRelayed: number): void {
    if (notRelayed > 0 === this.notRelayed > 0) {
      this.notRelayed = notRelayed;
      return;
    }
    this.notRelayed = notRelayed;
    this.emit({ event: "full", maxDevices: this.maxDevices, notRelayed });
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

  /** Why a device address may not be relayed (not tcp://host:port, not allowed), or undefined. */
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

  /** Opens a device's relay and reports it ("added"), or its failure ("error"). */
  private async startRelay(name: string, device: DeviceEntry): Promise<void> {
    const relay = new DeviceRelay(
      name,
      device.type,
      device.addr,
      this.base!,
      this.frontOptions,
      this.options.timeout ?? 2000,
      this.options.idleTimeout ?? 10_000,
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

  /** Calls every listener with the event. */
  private emit(e: GatewayEvent): void {
    for (const l of this.listeners) l(e);
  }
}

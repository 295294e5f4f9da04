import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { AddressFilter, localHostNames, newToken } from "../gateway/access.js";
import { Gateway, type GatewayEvent } from "../gateway/index.js";
import { hostName } from "../zmq/internal.js";
import { checkRequest, gatewaySource, type HttpGuard, securityHeaders } from "./http-guard.js";
import { dashboardPage } from "./page.js";
import { DASHBOARD_CSS } from "./style.js";
import { optionNames, refuseUnknownOptions } from "../common/options.js";

export interface DashboardOptions {
  /** The plantrpc registry to show (it must answer LIST). */
  registry: string;
  /** Where to serve the page: host and port (0 for a free one). Default 127.0.0.1:8080. */
  host?: string;
  port?: number;
  /** The page's script (dist/browser/dashboard.js), served as /dashboard.js. */
  script: Uint8Array;
  /**
   * The token that every request (the page, its script, the gateway's WebSockets) must carry.
   * Default: a fresh random one, in `url`.
   */
  token?: string;
  /** No token at all: whoever reaches the port drives every device. Must be explicit. */
  noToken?: boolean;
  /** Host names to accept besides this machine's own (loopback, the bound address); "*" for any. */
  allowedHosts?: readonly string[];
  /** Origins of other pages that may use the dashboard's gateway (the dashboard's own always may). */
  allowedOrigins?: readonly string[];
  /** Device addresses the gateway may relay to (see GatewayOptions.allowedAddresses). */
  allowedAddresses?: readonly string[];
  /** Devices relayed at most (see GatewayOptions.maxDevices). */
  maxDevices?: number;
}

const DASHBOARD_OPTIONS = optionNames<DashboardOptions>()(
  "registry",
  "host",
  "port",
  "script",
  "token",
  "noToken",
  "allowedHosts",
  "allowedOrigins",
  "allowedAddresses",
  "maxDevices",
);
/**
 * `plantrpc web`: the dashboard page over HTTP, and a gateway (on its own WebSocket port, on the
 * same host) through which the page reaches the registry and its devices. Both take the same
 * token, both refuse foreign Host names, and the gateway lets in no page but the dashboard's.
 */
export class Dashboard {
  /** The page's address with its token, once started: what to open. */
  url: string | undefined;
  /** The token requests must carry (undefined with noToken). */
  readonly token: string | undefined;
  private gatewayInstance: Gateway | undefined;
  private server: http.Server | undefined;
  private readonly listeners: Array<(e: GatewayEvent) => void> = [];
  private readonly host: string;
  private readonly hostNames: string[] | undefined;

  constructor(private readonly options: DashboardOptions) {
    refuseUnknownOptions(options, DASHBOARD_OPTIONS, "Dashboard");
    this.host = options.host ?? "127.0.0.1";
    this.token = options.noToken ? undefined : (options.token ?? newToken());
    const extra = options.allowedHosts ?? [];
    this.hostNames = extra.includes("*") ? undefined : [...localHostNames(this.host), ...extra.map((h) => hostName(h))];
    if (options.allowedAddresses) new AddressFilter(options.allowedAddresses); // checked now, not at start
  }

  /** The gateway the page talks through, once started. */
  get gateway(): Gateway {
    if (!this.gatewayInstance) throw new Error("the dashboard is not started");
    return this.gatewayInstance;
  }

  on(listener: (e: GatewayEvent) => void): void {
    this.listeners.push(listener);
    this.gatewayInstance?.on(listener);
  }

  async start(): Promise<void> {
    const guard: HttpGuard = { hosts: this.hostNames && new Set(this.hostNames), token: this.token };
    let gatewayPort = 0;
    const page = () => dashboardPage({ gatewayPort, token: this.token });
    this.server = http.createServer((req, res) => {
      const host = hostName(req.headers.host ?? "");
      const headers = securityHeaders(gatewaySource(host, gatewayPort));
      const url = requestUrl(req.url);
      if (!url) {
        res.writeHead(400, { ...headers, "Content-Type": "text/plain" }).end("bad request\n");
        return;
      }
      const refusal = checkRequest(guard, req, url);
      if (refusal) {
        res.writeHead(refusal.status, { ...headers, "Content-Type": "text/plain" }).end(`${refusal.reason}\n`);
        return;
      }
      const body = this.asset(url.pathname, page);
      if (!body) {
        res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found\n");
        return;
      }
      res.writeHead(200, { ...headers, "Content-Type": body.type }).end(body.content);
    });
    // A page needs a few connections; a flood of them is refused by the OS's accept queue.
    this.server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.options.port ?? 8080, this.host, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    const gateway = this.makeGateway(port);
    for (const l of this.listeners) gateway.on(l);
    await gateway.start();
    this.gatewayInstance = gateway;
    gatewayPort = Number(new URL(gateway.base!).port);
    const shown = this.host.includes(":") ? `[${this.host}]` : this.host === "0.0.0.0" ? "127.0.0.1" : this.host;
    const query = this.token === undefined ? "" : `?token=${encodeURIComponent(this.token)}`;
    this.url = `http://${shown}:${port}/${query}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.gatewayInstance?.stop();
  }

  /** The gateway: the dashboard's own origins (each name it answers to, at its port) let in. */
  private makeGateway(port: number): Gateway {
    const names = this.hostNames ?? localHostNames(this.host);
    const own = names.map((h) => `http://${h.includes(":") ? `[${h}]` : h}:${port}`);
    return new Gateway({
      registry: this.options.registry,
      listen: `ws://${this.host.includes(":") ? `[${this.host}]` : this.host}:0`,
      access: {
        allowedOrigins: [...own, ...(this.options.allowedOrigins ?? [])],
        allowedHosts: this.options.allowedHosts,
        token: this.token,
      },
      noToken: this.options.noToken,
      allowedAddresses: this.options.allowedAddresses,
      maxDevices: this.options.maxDevices,
    });
  }

  private asset(path: string, page: () => string): { type: string; content: string | Uint8Array } | undefined {
    switch (path) {
      case "/":
        return { type: "text/html; charset=utf-8", content: page() };
      case "/dashboard.js":
        return { type: "text/javascript; charset=utf-8", content: this.options.script };
      case "/dashboard.css":
        return { type: "text/css; charset=utf-8", content: DASHBOARD_CSS };
      default:
        return undefined;
    }
  }
}

/** Connections the dashboard's HTTP server holds at once (past it, new ones are closed). */
const MAX_CONNECTIONS = 256;

/** The request's target as a URL, or undefined when it is none (`//[`: new URL throws). */
function requestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? "/", "http://host");
  } catch {
    return undefined;
  }
}

import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Gateway, type GatewayEvent } from "../gateway/index.js";
import { dashboardPage } from "./page.js";

export interface DashboardOptions {
  /** The plantrpc registry to show (it must answer LIST). */
  registry: string;
  /** Where to serve the page: host and port (0 for a free one). Default 127.0.0.1:8080. */
  host?: string;
  port?: number;
  /** The browser build (dist/browser/plantrpc.js), served as /plantrpc.js. */
  bundle: Uint8Array;
}

/**
 * `plantrpc web`: the dashboard page over HTTP, and a gateway (on its own WebSocket port, on the
 * same host) through which the page reaches the registry and its devices.
 */
export class Dashboard {
  readonly gateway: Gateway;
  /** The page's address, once started. */
  url: string | undefined;
  private server: http.Server | undefined;

  constructor(private readonly options: DashboardOptions) {
    const host = options.host ?? "127.0.0.1";
    this.gateway = new Gateway({ registry: options.registry, listen: `ws://${host}:0` });
  }

  on(listener: (e: GatewayEvent) => void): void {
    this.gateway.on(listener);
  }

  async start(): Promise<void> {
    await this.gateway.start();
    const gatewayPort = Number(new URL(this.gateway.base!).port);
    const page = dashboardPage(gatewayPort);
    this.server = http.createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://host").pathname;
      if (path === "/plantrpc.js") {
        res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-cache" }).end(this.options.bundle);
      } else if (path === "/") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
      } else {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      }
    });
    const host = this.options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.options.port ?? 8080, host, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.gateway.stop();
  }
}

import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GatewayEvent } from "../gateway/index.js";
import { Dashboard } from "../web/index.js";
import { fullMessage } from "./gateway.js";
import { inline } from "./terminal.js";
import { type WebFlags, warnNoToken } from "./web-flags.js";

/** The dashboard's script, next to this command in dist/ (dist/cli/main.js -> dist/browser/). */
export function dashboardScript(): Uint8Array {
  const here = dirname(realpathSync(process.argv[1] ?? "."));
  const path = join(here, "..", "browser", "dashboard.js");
  if (!existsSync(path)) throw new Error(`the dashboard's script is missing (${path}): run npm run build`);
  return readFileSync(path);
}

/** The Dashboard options that the --token, --no-token and --allow-* flags give. */
export function dashboardAccess(flags: WebFlags) {
  return {
    token: flags.token,
    noToken: flags.noToken,
    allowedOrigins: flags.allowedOrigins,
    allowedHosts: flags.allowedHosts,
    allowedAddresses: flags.allowedAddresses,
    maxDevices: flags.maxDevices,
  };
}

/** `plantrpc web`: serves the dashboard until interrupted. */
export async function runWeb(
  registry: string,
  host: string,
  port: number,
  flags: WebFlags,
  report: (value: unknown, human: () => string) => void,
  untilInterrupted: () => Promise<void>,
): Promise<void> {
  warnNoToken(flags, host);
  const dashboard = new Dashboard({ registry, host, port, script: dashboardScript(), ...dashboardAccess(flags) });
  dashboard.on((e: GatewayEvent) => {
    if (e.event === "error")
      report({ event: "error", name: e.name, error: e.error.message }, () => `! ${e.error.message}`);
    if (e.event === "refused") report(e, () => `! ${inline(e.name)} (${inline(e.address)}) not relayed: ${e.reason}`);
    if (e.event === "full") report(e, () => fullMessage(e));
  });
  await dashboard.start();
  report({ event: "listening", url: dashboard.url, gateway: dashboard.gateway.base }, () => {
    return `dashboard at ${dashboard.url}\n(devices of ${registry}, through ${dashboard.gateway.base})`;
  });
  await untilInterrupted();
  await dashboard.stop();
}

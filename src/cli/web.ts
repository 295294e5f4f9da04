import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GatewayEvent } from "../gateway/index.js";
import { Dashboard } from "../web/index.js";

/** The browser build, next to this command in dist/ (dist/cli/main.js -> dist/browser/). */
export function browserBundle(): Uint8Array {
  const here = dirname(realpathSync(process.argv[1] ?? "."));
  const path = join(here, "..", "browser", "plantrpc.js");
  if (!existsSync(path)) throw new Error(`the browser build is missing (${path}): run npm run build`);
  return readFileSync(path);
}

/** `plantrpc web`: serves the dashboard until interrupted. */
export async function runWeb(
  registry: string,
  host: string,
  port: number,
  report: (value: unknown, human: () => string) => void,
  untilInterrupted: () => Promise<void>,
): Promise<void> {
  const dashboard = new Dashboard({ registry, host, port, bundle: browserBundle() });
  dashboard.on((e: GatewayEvent) => {
    if (e.event === "error")
      report({ event: "error", name: e.name, error: e.error.message }, () => `! ${e.error.message}`);
  });
  await dashboard.start();
  report({ event: "listening", url: dashboard.url, gateway: dashboard.gateway.base }, () => {
    return `dashboard at ${dashboard.url} (devices of ${registry}, through ${dashboard.gateway.base})`;
  });
  await untilInterrupted();
  await dashboard.stop();
}

import { Gateway, type GatewayEvent } from "../gateway/index.js";
import { parseRpcUrl } from "../rpc/url.js";
import { inline } from "./terminal.js";
import { type WebFlags, warnNoToken } from "./web-flags.js";

/** `plantrpc gateway`: relays a registry's devices to one WebSocket port until interrupted. */
export async function runGateway(
  registry: string,
  listen: string,
  flags: WebFlags,
  report: (value: unknown, human: () => string) => void,
  untilInterrupted: () => Promise<void>,
): Promise<void> {
  warnNoToken(flags, parseRpcUrl(listen).host);
  const gateway = new Gateway({
    registry,
    listen,
    access: { allowedOrigins: flags.allowedOrigins, allowedHosts: flags.allowedHosts, token: flags.token },
    noToken: flags.noToken,
    allowedAddresses: flags.allowedAddresses,
    maxDevices: flags.maxDevices,
  });
  const query = flags.token === undefined ? "" : `?token=${encodeURIComponent(flags.token)}`;
  gateway.on((e: GatewayEvent) => report(eventValue(e, flags), () => describe(e, query, flags)));
  await gateway.start();
  await untilInterrupted();
  await gateway.stop();
}

/** The cap reached (said once, not once per device), or left again. */
export function fullMessage(e: Extract<GatewayEvent, { event: "full" }>): string {
  if (e.notRelayed === 0) return "the gateway relays every listed device again";
  const what = e.notRelayed === 1 ? "1 listed device is" : `${e.notRelayed} listed devices are`;
  return `! the gateway relays at most ${e.maxDevices} devices: ${what} not relayed (--max-devices)`;
}

function eventValue(e: GatewayEvent, flags: WebFlags): unknown {
  if (e.event === "listening") return { ...e, token: flags.token, allowedOrigins: flags.allowedOrigins ?? [] };
  return e.event === "error" ? { event: "error", name: e.name, error: e.error.message } : e;
}

function describe(e: GatewayEvent, query: string, flags: WebFlags): string {
  switch (e.event) {
    case "listening": {
      const pages = flags.allowedOrigins?.length
        ? `pages allowed: ${flags.allowedOrigins.join(", ")}`
        : "no web page is allowed yet: add --allow-origin <the page's origin>";
      return (
        `gateway at ${e.base} (devices at ${e.base}/<name>${query}, the registry (LIST) at ${e.registry}${query})\n` +
        pages
      );
    }
    case "added":
      return `+ ${inline(e.name)} (${inline(e.address)}) at ${e.methods}`;
    case "removed":
      return `- ${inline(e.name)} (${inline(e.address)})`;
    case "refused":
      return `! ${inline(e.name)} (${inline(e.address)}) not relayed: ${e.reason}`;
    case "full":
      return fullMessage(e);
    case "error":
      return `! ${e.name ? `${inline(e.name)}: ` : ""}${e.error.message}`;
  }
}

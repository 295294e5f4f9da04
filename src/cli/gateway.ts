import { Gateway, type GatewayEvent } from "../gateway/index.js";

/** `plantrpc gateway`: relays a registry's devices to one WebSocket port until interrupted. */
export async function runGateway(
  registry: string,
  listen: string,
  report: (value: unknown, human: () => string) => void,
  untilInterrupted: () => Promise<void>,
): Promise<void> {
  const gateway = new Gateway({ registry, listen });
  gateway.on((e: GatewayEvent) => report(eventValue(e), () => describe(e)));
  await gateway.start();
  await untilInterrupted();
  await gateway.stop();
}

function eventValue(e: GatewayEvent): unknown {
  return e.event === "error" ? { event: "error", name: e.name, error: e.error.message } : e;
}

function describe(e: GatewayEvent): string {
  switch (e.event) {
    case "listening":
      return `gateway at ${e.base} (devices at ${e.base}/<name>, the registry at ${e.registry})`;
    case "added":
      return `+ ${e.name} (${e.address}) at ${e.methods}`;
    case "removed":
      return `- ${e.name} (${e.address})`;
    case "error":
      return `! ${e.name ? `${e.name}: ` : ""}${e.error.message}`;
  }
}

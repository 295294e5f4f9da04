import {
  DeviceRegistry,
  type DeviceRegistryOptions,
  Gateway,
  type GatewayEvent,
  type GatewayOptions,
} from "../../src/index.js";

/**
 * A registry on loopback and a gateway following it (polling every 50 ms), for tests; `next`
 * resolves with the first event (past or to come) that passes a test. What it starts is
 * stopped by the functions it pushes onto `cleanups`.
 */
export async function startGateway(
  cleanups: Array<() => unknown>,
  options: Partial<GatewayOptions> = {},
  registryOptions: DeviceRegistryOptions = {},
) {
  const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0, ...registryOptions });
  await registry.start();
  cleanups.push(() => registry.stop());
  const registryUrl = `tcp://127.0.0.1:${registry.port}`;
  const gateway = new Gateway({ registry: registryUrl, listen: "ws://127.0.0.1:0", pollInterval: 50, ...options });
  const events: GatewayEvent[] = [];
  const waiters: Array<() => void> = [];
  gateway.on((e) => {
    events.push(e);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (test: (e: GatewayEvent) => boolean) => {
    for (;;) {
      const found = events.find(test);
      if (found) return found;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await gateway.start();
  cleanups.push(() => gateway.stop());
  return { registry, registryUrl, gateway, next, events };
}

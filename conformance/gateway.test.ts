/**
 * The gateway: devices that speak only tcp (ours, and the Python peer when pyzmq is there),
 * reached over one WebSocket port through a registry, their calls and signals relayed.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  DeviceRegistry,
  Gateway,
  type GatewayEvent,
  listDevices,
  RPCClient,
  registerToRegistry,
} from "../src/index.js";
import { hasPyzmq } from "./helpers/python.js";
import { startPythonDevice } from "./helpers/python-rpc.js";
import { makeTsDevice } from "./helpers/ts-device.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp() {
  const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
  await registry.start();
  cleanups.push(() => registry.stop());
  const registryUrl = `tcp://127.0.0.1:${registry.port}`;
  const gateway = new Gateway({ registry: registryUrl, listen: "ws://127.0.0.1:0", pollInterval: 50 });
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
  return { registryUrl, gateway, next };
}

async function call(url: string) {
  const client = await RPCClient.connect(url);
  cleanups.push(() => client.close());
  const ticked = new Promise((resolve) => client.signal("tick").connect((n) => resolve(n)));
  const sum = await client.call("add", [40]);
  await client.call("emit_tick", [5]);
  return { sum, tick: await ticked };
}

describe("plantrpc gateway", () => {
  it("relays a TypeScript device's calls and signals over ws, and drops it when it leaves the registry", async () => {
    const { registryUrl, gateway, next } = await setUp();
    const { server } = makeTsDevice();
    await registerToRegistry(server, "camera", "ts-camera", registryUrl);
    void server.serveForever();
    cleanups.push(() => server.close());

    const added = await next((e) => e.event === "added" && e.name === "ts-camera");
    expect(added).toMatchObject({ methods: `${gateway.base}/ts-camera`, signals: `${gateway.base}/ts-camera/signals` });
    expect(await call(`${gateway.base}/ts-camera`)).toEqual({ sum: 42, tick: 5 });

    // The registry itself, through the gateway.
    expect(Object.keys(await listDevices(`${gateway.base}/registry`))).toEqual(["ts-camera"]);

    server.stopServer(); // unregisters
    await next((e) => e.event === "removed" && e.name === "ts-camera");
    expect(gateway.devices).toEqual({});
  });

  it.runIf(hasPyzmq())("relays a Python device (REP, minirpc or the reference) the same way", async () => {
    const { registryUrl, gateway, next } = await setUp();
    const device = await startPythonDevice("tcp://127.0.0.1", ["--register", registryUrl, "camera", "py-camera"]);
    cleanups.push(() => device.kill());
    await next((e) => e.event === "added" && e.name === "py-camera");
    expect(await call(`${gateway.base}/py-camera`)).toEqual({ sum: 42, tick: 5 });
  });
});

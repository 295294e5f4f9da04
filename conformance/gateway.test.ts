/**
 * The gateway: devices that speak only tcp (ours, and the Python peer when pyzmq is there),
 * reached over one WebSocket port through a registry, their calls and signals relayed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { listDevices, RPCClient, registerToRegistry } from "../src/index.js";
import { hasPyzmq } from "./helpers/python.js";
import { startPythonDevice } from "./helpers/python-rpc.js";
import { startGateway } from "./helpers/gateway.js";
import { makeTsDevice } from "./helpers/ts-device.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

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
    const { registryUrl, gateway, next } = await startGateway(cleanups);
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
    const { registryUrl, gateway, next } = await startGateway(cleanups);
    const device = await startPythonDevice("tcp://127.0.0.1", ["--register", registryUrl, "camera", "py-camera"]);
    cleanups.push(() => device.kill());
    await next((e) => e.event === "added" && e.name === "py-camera");
    expect(await call(`${gateway.base}/py-camera`)).toEqual({ sum: 42, tick: 5 });
  });
});

/**
 * The registry under faults: a restart with many devices registered, and a device whose link
 * to the registry is blackholed (test/helpers/fault-proxy.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { DeviceRegistry, listDevices, RPCServer, registerToRegistry, sendAliveCheck } from "../src/index.js";
import { FaultProxy } from "./helpers/fault-proxy.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function registry(port = 0) {
  const r = new DeviceRegistry({ addr: "127.0.0.1", port });
  await r.start();
  return r;
}

async function device(name: string, registryUrl: string, aliveTimeout = 60) {
  const server = new RPCServer({ url: "tcp://127.0.0.1", aliveTimeout });
  server.registerMethodJson("ping", () => "pong");
  const registration = await registerToRegistry(server, "sensor", name, registryUrl, {
    checkInterval: 200,
    checkTimeout: 300,
  });
  void server.serveForever();
  cleanups.push(() => server.close());
  return { server, registration };
}

describe("the registry under faults", () => {
  it("restarted with 50 devices registered: every one registers again, under its own name", async () => {
    const first = await registry();
    const port = first.port;
    const url = `tcp://127.0.0.1:${port}`;
    for (let i = 0; i < 50; i++) await device(`sensor-${i}`, url);
    expect(Object.keys(await listDevices(url))).toHaveLength(50);
    await first.stop();
    const second = await registry(port);
    cleanups.push(() => second.stop());
    const names = new Set<string>();
    await new Promise<void>((resolve) =>
      second.on("added", (_type, _addr, name) => {
        names.add(name);
        if (names.size === 50) resolve();
      }),
    );
    expect([...names].sort()).toEqual(Array.from({ length: 50 }, (_, i) => `sensor-${i}`).sort());
  });

  it("a device whose link is blackholed is pruned, and comes back when the link does", async () => {
    const r = await registry();
    cleanups.push(() => r.stop());
    const proxy = await FaultProxy.start(r.port);
    cleanups.push(() => proxy.close());
    const { server, registration } = await device("far", proxy.endpoint, 1);
    // A first alive check sets its lifetime to 1 s (a registration alone lives 20 s).
    await sendAliveCheck(registration.uuid, `tcp://127.0.0.1:${r.port}`, 1);
    const removed = new Promise<string>((resolve) => r.on("removed", (_t, _a, name) => resolve(name)));
    proxy.blackhole();
    expect(await removed).toBe("far");
    expect(server.isStopped).toBe(false); // it goes on serving meanwhile
    const added = new Promise<string>((resolve) => r.on("added", (_t, _a, name) => resolve(name)));
    proxy.heal();
    expect(await added).toBe("far");
  });
});

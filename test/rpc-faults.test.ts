/**
 * The RPC layer and the registry under faults (test/helpers/fault-proxy.ts): a registry restart
 * with many devices registered, a device blackholed from its registry, a stalled subscriber.
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

describe("a stalled signal subscriber", () => {
  it("does not slow the device: calls are answered while it publishes to a subscriber that reads nothing", async () => {
    const { makeTsDevice } = await import("../conformance/helpers/ts-device.js");
    const { Request, Subscriber } = await import("../src/zmq/index.js");
    const { RPCClient } = await import("../src/index.js");
    const { server } = makeTsDevice();
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const url = `tcp://127.0.0.1:${server.port}`;
    // A subscriber behind a stalled link: its queue on the device fills, then the device drops.
    const req = new Request();
    req.connect(url);
    await req.send(JSON.stringify({ event: "INIT_SIGNALS_HANDLING" }));
    const { signal_port } = JSON.parse(String((await req.receive())[0]));
    req.close();
    const proxy = await FaultProxy.start(signal_port);
    cleanups.push(() => proxy.close());
    const stalled = new Subscriber();
    stalled.subscribe();
    const joined = stalled.events.once("handshake");
    stalled.connect(proxy.endpoint);
    await joined;
    cleanups.push(() => stalled.close());
    proxy.stall();
    const client = await RPCClient.connect(url);
    cleanups.push(() => client.close());
    // 50,000 signals, each call below emits 5,000 of them between answers.
    for (let round = 0; round < 10; round++) {
      expect(await client.call("emit_ticks", [5000])).toBe(5000);
      expect(await client.call("add", [round], {}, { timeout: 2000 })).toBe(round + 2);
    }
  });
});

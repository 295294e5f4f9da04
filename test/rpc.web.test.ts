import { afterEach, describe, expect, it } from "vitest";
import { type BufferResult, RPCClient, RPCServer, RpcError } from "../src/index.js";
import { makeTsDevice } from "../conformance/helpers/ts-device.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function webDevice(web: string) {
  const d = makeTsDevice("tcp://127.0.0.1", undefined, web);
  await d.server.start();
  void d.server.serveForever();
  cleanups.push(() => d.server.close());
  return d.server;
}

async function client(url: string) {
  const c = await RPCClient.connect(url);
  cleanups.push(() => c.close());
  return c;
}

describe("RPCServer with a web endpoint (ws://)", () => {
  it("serves methods, buffers, properties and signals over ws as over tcp; the inventory says where", async () => {
    const server = await webDevice("ws://127.0.0.1:0");
    const { methods, signals } = server.webEndpoints!;
    expect(methods).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(signals).toBe(`${methods}signals`);

    const c = await client(methods.replace(/\/$/, ""));
    expect(c.inventory.plantrpc?.web).toEqual({ methods, signals });
    expect(await c.call("add", [40])).toBe(42);
    const blob = await c.call<BufferResult>("blob", [100_000]);
    expect(blob.buffer.length).toBe(100_000);
    expect(blob.info).toEqual({ size: 100_000 });
    const changed = new Promise((resolve) => c.signal("exposure_changed").connect((v) => resolve(v)));
    await c.setProperty("exposure", 33);
    expect(await changed).toBe(33);
    expect(await c.getProperty("exposure")).toBe(33);

    // The tcp endpoint serves as before, signals included.
    const t = await client(`tcp://127.0.0.1:${server.port}`);
    const ticked = new Promise((resolve) => t.signal("tick").connect((v) => resolve(v)));
    await t.call("emit_tick", [7]);
    expect(await ticked).toBe(7);
  });

  it("a path: methods there, signals at <path>/signals", async () => {
    const server = await webDevice("ws://127.0.0.1:0/camera");
    expect(server.webEndpoints!.methods).toMatch(/\/camera$/);
    expect(server.webEndpoints!.signals).toMatch(/\/camera\/signals$/);
    const c = await client(server.webEndpoints!.methods);
    const ticked = new Promise((resolve) => c.signal("tick").connect((v) => resolve(v)));
    await c.call("emit_tick", [3]);
    expect(await ticked).toBe(3);
  });

  it("refuses a web option that is not a ws:// or wss:// URL", () => {
    expect(() => new RPCServer({ url: "tcp://127.0.0.1", web: "tcp://127.0.0.1:0" })).toThrow(RpcError);
    expect(() => new RPCServer({ url: "tcp://127.0.0.1/path" })).toThrow(RpcError);
  });
});

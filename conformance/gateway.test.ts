/**
 * The gateway: devices that speak only tcp (ours, and the Python peer when pyzmq is there),
 * reached over one WebSocket port through a registry, their calls and signals relayed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type CallContext, listDevices, RPCClient, RPCServer, registerToRegistry } from "../src/index.js";
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

  it("relays progress, streams and cancellation (protocol-spec/rpc.md, section 8)", async () => {
    const { registryUrl, gateway, next } = await startGateway(cleanups);
    const server = new RPCServer({ url: "tcp://127.0.0.1" });
    let cancelled!: () => void;
    let started: () => void = () => {};
    const handlerCancelled = new Promise<void>((r) => (cancelled = r));
    server.registerMethodJson(
      "scan",
      async (call: CallContext, steps: number) => {
        for (let i = 1; i <= steps; i++) call.progress(i / steps);
        return "scanned";
      },
      { callContext: true },
    );
    server.registerMethodJson(
      "endless",
      (call: CallContext) => {
        started();
        return new Promise((_, reject) =>
          call.signal.addEventListener("abort", () => {
            cancelled();
            reject(call.signal.reason);
          }),
        );
      },
      { callContext: true, timeout: null },
    );
    server.registerMethodStream("count", async function* (_call: CallContext, to: number) {
      for (let i = 1; i <= to; i++) yield i;
    });
    await registerToRegistry(server, "camera", "streaming", registryUrl);
    void server.serveForever();
    cleanups.push(() => server.close());
    await next((e) => e.event === "added" && e.name === "streaming");

    const client = await RPCClient.connect(`${gateway.base}/streaming`);
    cleanups.push(() => client.close());
    const progress: unknown[] = [];
    expect(await client.call("scan", [4], {}, { onProgress: (p) => progress.push(p) })).toBe("scanned");
    expect(progress).toEqual([0.25, 0.5, 0.75, 1]);
    const items: number[] = [];
    for await (const n of client.stream<number>("count", [50], {}, { window: 4 })) items.push(n);
    expect(items).toEqual([...Array(50).keys()].map((i) => i + 1));
    const controller = new AbortController();
    const running = new Promise<void>((r) => (started = r));
    const endless = client.call("endless", [], {}, { signal: controller.signal });
    await running; // the call is on the device: the abort reaches its handler
    controller.abort(new Error("stop"));
    await expect(endless).rejects.toThrow("stop");
    await handlerCancelled;

    // A page that goes away (its connection to the gateway closes) cancels its calls too.
    const leaving = await RPCClient.connect(`${gateway.base}/streaming`);
    const left = new Promise<void>((r) => (cancelled = r));
    const begun = new Promise<void>((r) => (started = r));
    const pending = leaving.call("endless").catch((e: Error) => e);
    await begun; // the call is on the device
    leaving.close();
    expect(String(await pending)).toMatch(/client closed/);
    await left;
  });
});

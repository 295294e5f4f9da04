/**
 * The RPC protocol against Python peers: our client against the Python device, the Python
 * client against our device. The Python side is conformance/peers/minirpc.py, or the real
 * reference package when PLANTIMAGER_COMMONS_PATH points at its src/commons.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  type BufferResult,
  type CallContext,
  type CurveServerKeys,
  RemoteError,
  RPCClient,
  RpcError,
  RpcTimeoutError,
  RPCServer,
} from "../src/index.js";
import { curveKeyPair } from "../src/zmq/index.js";
import { hasPyzmq } from "./helpers/python.js";
import { pythonRpcImpl, PythonCaller, startPythonDevice, type PythonDevice } from "./helpers/python-rpc.js";
import { patternBytes } from "./helpers/peers.js";
import { makeTsDevice, sha256 } from "./helpers/ts-device.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function pythonDevice(url?: string): Promise<PythonDevice> {
  const d = await startPythonDevice(url);
  cleanups.push(() => d.kill());
  return d;
}

async function tsClient(url: string, options = {}): Promise<RPCClient> {
  const c = await RPCClient.connect(url, options);
  cleanups.push(() => c.close());
  return c;
}

async function tsDevice(curve?: CurveServerKeys): Promise<{ server: RPCServer; url: string; serving: Promise<void> }> {
  const { server } = makeTsDevice("tcp://127.0.0.1", curve);
  await server.start();
  const serving = server.serveForever();
  cleanups.push(() => server.close());
  return { server, url: `tcp://127.0.0.1:${server.port}`, serving };
}

async function pythonClient(url: string | string[]): Promise<PythonCaller> {
  const c = await PythonCaller.connect(url);
  cleanups.push(() => c.close());
  return c;
}

/** Resolves when `signal` has been emitted `count` times, with the arguments seen. */
function collect(client: RPCClient, name: string, count: number): Promise<unknown[][]> {
  const seen: unknown[][] = [];
  return new Promise((resolve) =>
    client.signal(name).connect((...args: unknown[]) => {
      seen.push(args);
      if (seen.length === count) resolve(seen);
    }),
  );
}

describe.runIf(hasPyzmq())(`our client against the Python device (${pythonRpcImpl})`, () => {
  it("reads the inventory, with per-method timeouts and null for forever", async () => {
    const device = await pythonDevice();
    expect(device.impl).toBe(pythonRpcImpl);
    const c = await tsClient(device.url);
    expect(c.inventory.json_methods).toMatchObject({ add: 10000, slow: 300, forever: null });
    expect(Object.keys(c.inventory.buffer_methods).sort()).toEqual(["blob", "broken_blob"]);
    expect(c.inventory.signals.sort()).toEqual(["exposure_changed", "tick"]);
    expect(c.inventory.properties.sort()).toEqual(["exposure", "model"]);
    expect(c.name).toBe("");
    expect(c.inventory.plantrpc).toBeUndefined(); // a Python server: JSON only
  });

  it("calls JSON methods with positional and keyword arguments, and gets remote errors", async () => {
    const c = await tsClient((await pythonDevice()).url);
    expect(await c.call("add", [1])).toBe(3);
    expect(await c.call("add", [1], { b: 5 })).toBe(6);
    expect(await c.call("echo", [{ nested: [1, "two", null, true] }])).toEqual({ nested: [1, "two", null, true] });
    expect(await c.call("forever")).toBe("done");
    const err = await c.call<never>("fail", ["broken lens"]).catch((e: RemoteError) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.remoteError).toBe("broken lens");
    expect(err.traceback).toContain("ValueError");
    const [ok, noResult] = await c.execute("fail", { args: ["again"] });
    expect(ok).toBe(false);
    expect(noResult).toMatchObject({ ok: false, error: "again" });
    expect(await c.execute("add", { args: [2, 2] })).toEqual([true, 4]);
  });

  it("receives buffer replies of 4 bytes and 16 MiB, and buffer failures", async () => {
    const c = await tsClient((await pythonDevice()).url);
    const small = await c.call<BufferResult>("blob", [4]);
    expect([...small.buffer]).toEqual([0, 1, 2, 3]);
    expect(small.info).toEqual({ size: 4 });
    const n = 16 * 1024 * 1024;
    const big = await c.call<BufferResult>("blob", [n]);
    expect(big.buffer.length).toBe(n);
    expect(sha256(big.buffer)).toBe(sha256(patternBytes(n)));
    await expect(c.call("broken_blob")).rejects.toMatchObject({ remoteError: "no image available" });
  });

  it("gets and sets properties, and receives the notify signal and other signals", async () => {
    const c = await tsClient((await pythonDevice()).url);
    expect(await c.getProperty("exposure")).toBe(10);
    expect(await c.getProperty("model")).toBe("reference-device");
    const changed = collect(c, "exposure_changed", 1);
    await c.setProperty("exposure", 25);
    expect(await changed).toEqual([[25]]);
    expect(await c.getProperty("exposure")).toBe(25);
    const ticks = collect(c, "tick", 2);
    await c.call("emit_tick", [1]);
    await c.call("emit_tick", [2]);
    expect(await ticks).toEqual([[1], [2]]);
  });

  it("fails at once on a method the inventory does not list, and goes on working", async () => {
    const c = await tsClient((await pythonDevice()).url);
    await expect(c.call("no_such_method")).rejects.toThrow(RpcError);
    expect(await c.call("add", [40])).toBe(42);
  });

  it("survives a timed-out call: the late reply is dropped and the next call gets its own", async () => {
    const c = await tsClient((await pythonDevice()).url);
    const err = await c.call<never>("slow", [800]).catch((e: RpcTimeoutError) => e);
    expect(err).toBeInstanceOf(RpcTimeoutError);
    expect(err.timeout).toBe(300);
    // The REP server answers "slow" first, then this: the client must match replies by id.
    expect(await c.call("add", [7], {}, { timeout: 5000 })).toBe(9);
  });

  it("survives a server restart on the same port and fetches the inventory again", async () => {
    const first = await pythonDevice();
    const c = await tsClient(first.url);
    expect(await c.call("add", [1])).toBe(3);
    expect(await c.stopServer()).toBe(true);
    expect(await first.exited).toBe(0);
    await pythonDevice(first.url);
    expect(await c.call("add", [2], {}, { timeout: 5000 })).toBe(4);
  });

  it("STOP_SERVER stops the Python device", async () => {
    const device = await pythonDevice();
    const c = await tsClient(device.url);
    expect(await c.stopServer()).toBe(true);
    expect(await device.exited).toBe(0);
  });
});

describe.runIf(hasPyzmq())(`the Python client (${pythonRpcImpl}) against our device`, () => {
  it("reads our inventory and calls every kind of method", async () => {
    const { url } = await tsDevice();
    const py = await pythonClient(url);
    const inv = (await py.op({ op: "inventory" })).result;
    expect(inv.json_methods).toMatchObject({ add: 10000, slow: 300, forever: null });
    expect(inv.properties).toEqual(["exposure", "model", "broken"]);
    expect(await py.call("add", [1])).toEqual({ ok: true, result: 3 });
    expect(await py.call("add", [1], { b: 10 })).toEqual({ ok: true, result: 11 });
    expect(await py.call("echo", [{ a: [1.5, "x", null] }])).toEqual({ ok: true, result: { a: [1.5, "x", null] } });
    const failed = await py.call("fail", ["bad focus"]);
    expect(failed).toMatchObject({ ok: false, error: "bad focus" });
    expect(failed.traceback).toContain("Error: bad focus");
  });

  it("is unaffected by the call extension: no progress sent, a stream refused with a clear failure reply", async () => {
    const server = new RPCServer({ url: "tcp://127.0.0.1" });
    server.registerMethodJson(
      "scan",
      (call: CallContext, steps: number) => {
        for (let i = 1; i <= steps; i++) call.progress(i / steps);
        return call.signal.aborted ? "aborted" : "scanned";
      },
      { callContext: true },
    );
    server.registerMethodStream("preview", function* () {
      yield 1;
    });
    server.registerMethodJson("add", (a: number, b: number) => a + b);
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const py = await pythonClient(`tcp://127.0.0.1:${server.port}`);
    const inv = (await py.op({ op: "inventory" })).result;
    expect(Object.keys(inv.json_methods).sort()).toEqual(["add", "preview", "scan"]);
    expect(inv.buffer_methods).toEqual({});
    expect(await py.call("scan", [4])).toEqual({ ok: true, result: "scanned" });
    const stream = await py.call("preview", []);
    expect(stream.ok).toBe(false);
    expect(String(stream.error)).toMatch(/Method preview is a stream/);
    expect(await py.call("add", [20, 22])).toEqual({ ok: true, result: 42 });
  });

  it("receives buffer replies of 4 bytes and 16 MiB as two frames, and buffer failures as one", async () => {
    const { url } = await tsDevice();
    const py = await pythonClient(url);
    expect((await py.call("blob", [4])).result).toEqual({ len: 4, sha256: sha256(patternBytes(4)), info: { size: 4 } });
    const n = 16 * 1024 * 1024;
    expect((await py.call("blob", [n])).result).toMatchObject({ len: n, sha256: sha256(patternBytes(n)) });
    expect(await py.call("broken_blob")).toMatchObject({ ok: false, error: "no image available" });
  });

  it("gets and sets properties and receives notify signals and signals", async () => {
    const { url } = await tsDevice();
    const py = await pythonClient(url);
    expect(await py.op({ op: "get", property: "exposure" })).toEqual({ ok: true, result: 10 });
    expect((await py.op({ op: "set", property: "exposure", value: 33 })).ok).toBe(true);
    expect(await py.op({ op: "get", property: "exposure" })).toEqual({ ok: true, result: 33 });
    // A method returning nothing answers {"success": true, "result": null}, as Python's None.
    expect(await py.call("emit_tick", [5])).toEqual({ ok: true, result: null });
    const signals = (await py.op({ op: "signals", count: 2 })).result;
    expect(signals).toEqual([
      ["exposure_changed", [33]],
      ["tick", [5]],
    ]);
  });

  it("drives a CURVE device with pyzmq's CURVE options set on its context (the docs' recipe)", async () => {
    const keys = curveKeyPair();
    const { url } = await tsDevice(keys);
    const py = await pythonClient(["--server-key", keys.publicKey, url]);
    expect((await py.op({ op: "inventory" })).result.json_methods).toMatchObject({ add: 10000 });
    expect(await py.call("add", [1], { b: 10 })).toEqual({ ok: true, result: 11 });
    const n = 1024 * 1024;
    expect((await py.call("blob", [n])).result).toMatchObject({ len: n, sha256: sha256(patternBytes(n)) });
    expect((await py.op({ op: "set", property: "exposure", value: 7 })).ok).toBe(true);
    expect(await py.call("emit_tick", [2])).toEqual({ ok: true, result: null });
    // Signals arrive through the PUB socket, secured like the methods.
    expect((await py.op({ op: "signals", count: 2 })).result).toEqual([
      ["exposure_changed", [7]],
      ["tick", [2]],
    ]);
  });

  it("honours the inventory timeout on the Python side", async () => {
    const { url } = await tsDevice();
    const py = await pythonClient(url);
    const r = await py.call("slow", [1000]);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/Timeout|did not respond|no reply/);
  });

  it("STOP_SERVER from Python stops our server", async () => {
    const { url, serving } = await tsDevice();
    const py = await pythonClient(url);
    expect((await py.op({ op: "stop" })).ok).toBe(true);
    await serving;
  });

  it("publishes each signal once, however many Python clients initialised signals", async () => {
    const { url, server } = await tsDevice();
    const a = await pythonClient(url);
    const b = await pythonClient(url);
    expect(server.inventory().signals).toContain("tick");
    const ticks = async (c: PythonCaller, count: number, timeoutMs: number) =>
      ((await c.op({ op: "signals", count, timeout_ms: timeoutMs })).result as unknown[][]).filter(
        ([n]) => n === "tick",
      );
    // PUB/SUB drops what precedes a subscription: warm up until both clients receive ticks.
    for (let i = 0; i < 100; i++) {
      await a.call("emit_tick", [0]);
      if ((await ticks(a, 1, 50)).length > 0 && (await ticks(b, 1, 50)).length > 0) break;
    }
    await a.call("emit_tick", [1]);
    await a.call("emit_tick", [2]);
    for (const c of [a, b]) {
      let seen: unknown[][] = [];
      // A subscriber sees publications in order: once tick 2 is there, every copy of tick 1 is.
      for (let i = 0; i < 50 && !seen.some(([, args]) => (args as number[])[0] === 2); i++) {
        seen = await ticks(c, 1000, 100);
      }
      expect(seen.filter(([, args]) => (args as number[])[0] === 1)).toHaveLength(1);
      expect(seen.filter(([, args]) => (args as number[])[0] === 2)).toHaveLength(1);
    }
  });
});

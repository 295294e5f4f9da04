/**
 * Requests made to hurt a device (issue 29): each is answered or refused at a cost bounded by its
 * size, in a device whose heap is small, while a well-behaved client goes on being answered.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { RPCClient } from "../src/index.js";
import { Dealer } from "../src/zmq/index.js";
import { settle } from "../conformance/helpers/wait.js";

const BUILT = new URL("../dist/index.js", import.meta.url);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A device in a process of its own with a heap of `heapMb`; resolves with its URL. */
async function smallDevice(heapMb: number): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const { RPCServer } = await import(${JSON.stringify(BUILT.href)});
    const server = new RPCServer({ url: "tcp://127.0.0.1" });
    server.registerMethodJson("size", (text, x) => [typeof text === "string" ? text.length : -1, String(x)]);
    server.registerMethodJson("add", (a, b) => a + b);
    await server.start();
    console.log("port " + server.port);
    await server.serveForever();
  `;
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => child.kill());
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      const m = /port (\d+)/.exec(String(d));
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the device exited (${code}): ${stderr}`)));
  });
  return { url: `tcp://127.0.0.1:${port}`, child };
}

/** Calls `add` every 20 ms until `done` settles; resolves with the longest wait for an answer. */
async function keepCalling(url: string, done: Promise<unknown>): Promise<{ calls: number; longest: number }> {
  const client = await RPCClient.connect(url, { timeout: 10_000 });
  cleanups.push(() => client.close());
  let finished = false;
  void done.finally(() => (finished = true));
  let calls = 0;
  let longest = 0;
  while (!finished) {
    const started = performance.now();
    expect(await client.call("add", [40, 2])).toBe(42);
    longest = Math.max(longest, performance.now() - started);
    calls++;
    await settle(20); // pacing: a call every 20 ms
  }
  return { calls, longest };
}

describe.runIf(existsSync(BUILT))("a device under hostile requests", () => {
  it("a 32 MiB body with a NaN in it is read in a 256 MiB heap, and a client is answered meanwhile", async () => {
    const { url, child } = await smallDevice(256);
    const dealer = new Dealer({ receiveTimeout: 30_000 });
    cleanups.push(() => dealer.close());
    dealer.connect(url);
    const body = `{"event": "METHOD_CALL", "method": "size", "params": {"args": ["${"x".repeat(32 << 20)}", NaN], "kwargs": {}}}`;
    const answered = (async () => {
      for (let i = 0; i < 2; i++) {
        await dealer.send(["", body]);
        const [, reply] = await dealer.receive();
        expect(JSON.parse(String(reply))).toEqual({ success: true, result: [32 << 20, "NaN"] });
      }
    })();
    const { calls } = await keepCalling(url, answered);
    await answered;
    expect(calls).toBeGreaterThan(0);
    expect(child.exitCode).toBeNull();
  }, 60_000);
});

describe("connections a device takes at once", () => {
  it("past maxConnections a new connection is closed at once; the connected clients are served, and a place freed is taken again", async () => {
    const { createConnection } = await import("node:net");
    const { RPCServer } = await import("../src/index.js");
    const server = new RPCServer({ url: "tcp://127.0.0.1", maxConnections: 3 });
    server.registerMethodJson("add", (a: number, b: number) => a + b);
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const open = async () => {
      const socket = createConnection({ host: "127.0.0.1", port: server.port! });
      socket.on("error", () => {});
      cleanups.push(() => socket.destroy());
      await new Promise((r) => socket.once("connect", r));
      return socket;
    };
    const client = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`, { timeout: 2000 });
    cleanups.push(() => client.close());
    const idle = [await open(), await open()]; // with the client: three
    const refused = await open();
    await new Promise((r) => refused.once("close", r));
    expect(await client.call("add", [40, 2])).toBe(42);
    const gone = new Promise((r) => idle[0]!.once("close", r));
    idle[0]!.destroy();
    await gone;
    const again = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`, { timeout: 2000 }).catch(() => undefined);
    // The server's side of the freed connection may still be closing: try until it is.
    let second = again;
    while (!second)
      second = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`, { timeout: 500 }).catch(() => undefined);
    cleanups.push(() => second.close());
    expect(await second.call("add", [1, 2])).toBe(3);
  });
});

import { Buffer } from "node:buffer";
import { afterEach, describe, expect, it } from "vitest";
import {
  type BufferResult,
  ConnectionLostError,
  RPCClient,
  RPCServer,
  RPCSignal,
  RpcTimeoutError,
} from "../src/index.js";
import { Request } from "../src/zmq/index.js";
import { makeTsDevice } from "../conformance/helpers/ts-device.js";
import { settle, until } from "../conformance/helpers/wait.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Our test device, serving; on `url` when given (a restart on the same port). */
async function device(url?: string) {
  const d = makeTsDevice(url);
  await d.server.start();
  const serving = d.server.serveForever();
  cleanups.push(() => d.server.close());
  return { ...d, url: `tcp://127.0.0.1:${d.server.port}`, serving };
}

async function client(url: string, options = {}) {
  const c = await RPCClient.connect(url, options);
  cleanups.push(() => c.close());
  return c;
}

/** A REQ socket sending raw frames, exactly as a Python (pyzmq) client would. */
async function rawRequest(url: string, frame: string | Buffer): Promise<any> {
  const req = new Request({ receiveTimeout: 3000 });
  cleanups.push(() => req.close());
  req.connect(url);
  await req.send(frame);
  const [reply] = await req.receive();
  req.close();
  return JSON.parse(reply!.toString());
}

describe("RPCServer never stops on bad input", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["invalid JSON", "{not json", /not valid JSON/],
    ["a JSON array", "[1, 2]", /must be an object/],
    ["no event", '{"method": "add"}', /no "event"/],
    ["an unknown event", '{"event": "REBOOT"}', /unknown event "REBOOT"/],
    ["METHOD_CALL without method", '{"event": "METHOD_CALL"}', /"method"/],
    ["params of the wrong type", '{"event": "METHOD_CALL", "method": "add", "params": {"args": 5}}', /params.args/],
    [
      "an unknown keyword",
      '{"event": "METHOD_CALL", "method": "add", "params": {"args": [1], "kwargs": {"c": 1}}}',
      /unexpected keyword argument 'c'/,
    ],
    [
      "a result JSON cannot hold",
      '{"event": "METHOD_CALL", "method": "big", "params": {"args": [], "kwargs": {}}}',
      /not serialisable/,
    ],
    ["a throwing getter", '{"event": "PROPERTY_GET", "property": "broken"}', /sensor unplugged/],
    ["an undeclared property", '{"event": "PROPERTY_GET", "property": "socket"}', /no property named "socket"/],
    ["a prototype property", '{"event": "PROPERTY_GET", "property": "constructor"}', /no property named/],
    [
      "a set of an undeclared property",
      '{"event": "PROPERTY_SET", "property": "name", "value": "x"}',
      /no property named "name"/,
    ],
    ["a set of a read-only property", '{"event": "PROPERTY_SET", "property": "model", "value": "x"}', /read-only/],
    ["PROPERTY_SET without value", '{"event": "PROPERTY_SET", "property": "exposure"}', /"value"/],
    [
      "buffer info with an error key",
      '{"event": "METHOD_CALL", "method": "bad_info", "params": {}}',
      /may not contain an "error" key/,
    ],
  ];
  for (const [what, body, message] of cases) {
    it(`answers ${what} with an error reply and keeps serving`, async () => {
      const { url } = await device();
      const reply = await rawRequest(url, body);
      expect(reply.success).toBe(false);
      expect(reply.error).toMatch(message);
      expect(typeof reply.traceback).toBe("string");
      expect(
        await rawRequest(url, '{"event": "METHOD_CALL", "method": "add", "params": {"args": [1, 1], "kwargs": {}}}'),
      ).toEqual({
        success: true,
        result: 2,
      });
    });
  }

  it("answers a method that returns nothing with result null, the key present", async () => {
    const { url } = await device();
    const reply = await rawRequest(
      url,
      '{"event": "METHOD_CALL", "method": "emit_tick", "params": {"args": [1], "kwargs": {}}}',
    );
    expect(reply).toStrictEqual({ success: true, result: null });
  });

  it("refuses more positional arguments than a method takes, in Python's words (they were dropped)", async () => {
    const { url } = await device();
    const call = (method: string, args: unknown[]) =>
      rawRequest(url, JSON.stringify({ event: "METHOD_CALL", method, params: { args, kwargs: {} } }));
    expect(await call("emit_tick", [1, 2])).toStrictEqual({
      success: false,
      error: "emit_tick() takes 1 positional argument but 2 were given",
      traceback: "",
    });
    // Declared params count; a default or a rest parameter lets any number through, as before.
    expect(await call("blob", [1, 2, 3])).toMatchObject({
      error: "blob() takes 1 positional argument but 3 were given",
    });
    expect(await call("add", [40, 2])).toStrictEqual({ success: true, result: 42 });
  });

  it("answers an unknown method as the reference does", async () => {
    const { url } = await device();
    const reply = await rawRequest(url, '{"event": "METHOD_CALL", "method": "nope", "params": {}}');
    expect(reply).toMatchObject({ success: false, error: "Method nope not implemented" });
  });

  it("does not publish a property that was never declared, and does not leak internals", async () => {
    const { url, server } = await device();
    const reply = await rawRequest(url, '{"event": "PROPERTY_SET", "property": "port", "value": 1}');
    expect(reply.success).toBe(false);
    expect(server.port).not.toBe(1);
  });
});

describe("RPCServer concurrency", () => {
  it("one slow async method does not hold another client hostage", async () => {
    const { url } = await device();
    const slowClient = await client(url);
    const quickClient = await client(url);
    const order: string[] = [];
    const slow = slowClient.call("sleep", [400]).then(() => order.push("slow"));
    await quickClient.call("add", [1, 1]).then(() => order.push("quick"));
    await slow;
    expect(order).toEqual(["quick", "slow"]);
  });

  it("pipelines concurrent calls from one client instead of queuing them", async () => {
    const { url } = await device();
    const c = await client(url);
    const order: string[] = [];
    const slow = c.call("sleep", [300]).then(() => order.push("slow"));
    const quick = c.call("add", [2, 2]).then(() => order.push("quick"));
    await Promise.all([slow, quick]);
    expect(order).toEqual(["quick", "slow"]);
  });

  it("many concurrent calls each get their own reply", async () => {
    const { url } = await device();
    const c = await client(url);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => c.call("add", [i, 1000])));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i + 1000));
  });
});

describe("RPCClient resilience", () => {
  it("survives a timed-out call and a restart of our server", async () => {
    const first = await device();
    const c = await client(first.url);
    await expect(c.call("slow", [600])).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(await c.call("add", [1, 2])).toBe(3);
    const noticed = c.events.once("disconnect");
    first.server.close();
    await first.serving;
    await noticed;
    const second = makeTsDevice(first.url);
    second.server.registerMethodJson("only_in_v2", () => "new");
    await second.server.start();
    void second.server.serveForever();
    cleanups.push(() => second.server.close());
    expect(await c.call("only_in_v2", [], {}, { timeout: 5000 })).toBe("new");
  });
});

describe("a device lost during calls", () => {
  it("rejects every call in flight at once with ConnectionLostError, then works once the device is back", async () => {
    const first = await device();
    let running = 0;
    first.server.registerMethodJson(
      "held",
      (ms: number) => {
        running++;
        return new Promise((r) => setTimeout(() => r(ms), ms));
      },
      { timeout: 5000 },
    );
    const c = await client(first.url);
    const started = performance.now();
    const calls = [1, 2, 3].map(() => c.call("held", [4000]));
    const settled = Promise.allSettled(calls);
    await until(() => running === 3, { what: "the three calls on the device" });
    first.server.close();
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionLostError);
    expect(performance.now() - started).toBeLessThan(3000); // long before the 5 s timeout
    await device(first.url);
    expect(await c.call("add", [1, 2], {}, { timeout: 5000 })).toBe(3);
  });
});

describe("a call's timeout", () => {
  it("bounds the whole call, the inventory refresh after a reconnection included", async () => {
    const first = await device();
    const c = await client(first.url, { timeout: 5000 }); // the refresh alone may wait 5 s
    const noticed = c.events.once("disconnect");
    first.server.close();
    await noticed;
    const started = performance.now();
    await expect(c.call("add", [1, 2], {}, { timeout: 300 })).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(c.getProperty("exposure", { timeout: 300 })).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(performance.now() - started).toBeLessThan(1500);
    await device(first.url);
    expect(await c.call("add", [1, 2], {}, { timeout: 5000 })).toBe(3);
  });
});

describe("limits of a device facing a network", () => {
  it("a request over maxRequestSize closes that connection before it is buffered; the device goes on", async () => {
    const server = new RPCServer({ url: "tcp://127.0.0.1", maxRequestSize: 1000 });
    server.registerMethodJson("echo", (x: unknown) => x);
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const c = await client(`tcp://127.0.0.1:${server.port}`);
    await expect(c.call("echo", ["x".repeat(5000)])).rejects.toBeInstanceOf(ConnectionLostError);
    expect(await c.call("echo", ["small"], {}, { timeout: 5000 })).toBe("small");
  });
});

describe("a device under more requests than it serves", () => {
  it("serves maxConcurrentCalls at once; the rest wait in the queues, and a flooding client's sends block", async () => {
    const server = new RPCServer({ url: "tcp://127.0.0.1", maxConcurrentCalls: 3 });
    let running = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    server.registerMethodJson("gate", async () => {
      most = Math.max(most, ++running);
      await new Promise<void>((r) => gates.push(r));
      running--;
      return "through";
    });
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const url = `tcp://127.0.0.1:${server.port}`;
    const c = await client(url);
    const calls = Array.from({ length: 12 }, () => c.call("gate", [], {}, { timeout: 10_000 }));
    await until(() => gates.length === 3, { what: "three calls let through" });
    await settle(50); // an absence check: room for a fourth, were it let through
    expect(running).toBe(3);
    // A raw client that never waits for replies: held back by the queues' high-water marks.
    const { Dealer } = await import("../src/zmq/index.js");
    const flood = new Dealer({ sendHighWaterMark: 10, sendTimeout: 200 });
    cleanups.push(() => flood.close());
    flood.connect(url);
    const request = Buffer.from(
      JSON.stringify({ event: "METHOD_CALL", method: "gate", params: { args: [], kwargs: {} } }),
    );
    let accepted = 0;
    for (;;) {
      try {
        await flood.send([Buffer.from("id01"), Buffer.alloc(0), request]);
        accepted++;
      } catch (e) {
        expect((e as { code?: string }).code).toBe("EAGAIN");
        break;
      }
      if (accepted > 200_000) throw new Error("sending never blocked");
    }
    expect(running).toBe(3);
    flood.close();
    // Released one by one, every call of the well-behaved client is answered.
    const release = setInterval(() => gates.shift()?.(), 1);
    try {
      expect(await Promise.all(calls)).toEqual(Array(12).fill("through"));
    } finally {
      clearInterval(release);
    }
    expect(most).toBe(3);
  });
});

describe("a device restarted with 32 calls in flight", () => {
  it("settles every call once, with its own result or an error, none past its timeout", async () => {
    const first = await device();
    const c = await client(first.url);
    const started = performance.now();
    const settled: Array<{ i: number; ok: boolean; value?: unknown; error?: unknown }> = [];
    const calls = Array.from({ length: 32 }, (_, i) =>
      c.call("echo", [{ call: i }], {}, { timeout: 3000 }).then(
        (value) => settled.push({ i, ok: true, value }),
        (error) => settled.push({ i, ok: false, error }),
      ),
    );
    first.server.close();
    await device(first.url);
    await Promise.all(calls);
    expect(performance.now() - started).toBeLessThan(3500); // none waited past its timeout
    expect(settled.map((s) => s.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    for (const s of settled) {
      if (s.ok)
        expect(s.value).toEqual({ call: s.i }); // its own result, never another call's
      else expect(s.error).toBeInstanceOf(Error);
    }
    expect(await c.call("add", [1, 2], {}, { timeout: 5000 })).toBe(3);
  });
});

describe("MessagePack between plantrpc peers", () => {
  it("is negotiated by default, and binary values pass without base64", async () => {
    const { url } = await device();
    const c = await client(url);
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const echoed = await c.call<{ data: Uint8Array }>("echo", [{ data: bytes }]);
    expect(Buffer.isBuffer(echoed.data) || echoed.data instanceof Uint8Array).toBe(true);
    expect([...echoed.data]).toEqual([0, 1, 2, 255]);
  });

  it("a JSON client gets binary values as base64 strings", async () => {
    const { url } = await device();
    const c = await client(url, { encoding: "json" });
    expect(await c.call("echo", [{ data: new Uint8Array([0, 1, 2, 255]) }])).toEqual({ data: "AAEC/w==" });
  });

  it("answers a MessagePack request in MessagePack and a JSON one in JSON, including buffer info", async () => {
    const { url } = await device();
    const m = await client(url, { encoding: "msgpack" });
    const j = await client(url, { encoding: "json" });
    expect((await m.call<BufferResult>("blob", [3])).info).toEqual({ size: 3 });
    expect((await j.call<BufferResult>("blob", [3])).info).toEqual({ size: 3 });
  });
});

describe("RPCServer basics", () => {
  it("binds a free port in [10000, 12000) when the url has none", async () => {
    const s = new RPCServer({ url: "tcp://127.0.0.1" });
    cleanups.push(() => s.close());
    await s.start();
    expect(s.port).toBeGreaterThanOrEqual(10000);
    expect(s.port).toBeLessThan(12000);
    expect(s.endpoint).toBe(`tcp://127.0.0.1:${s.port}`);
  });

  it("validates signal arguments against the declared types before publishing", async () => {
    const s = new RPCServer({ url: "tcp://127.0.0.1:0" });
    cleanups.push(() => s.close());
    const sig = s.registerSignal("moved", new RPCSignal<[number, number]>(Number, Number));
    await s.start();
    void s.serveForever();
    const c = await client(`tcp://127.0.0.1:${s.port}`);
    const got = new Promise((r) => c.signal("moved").connect((...a) => r(a)));
    const emitUntyped = sig.emit.bind(sig) as (...args: unknown[]) => void;
    expect(() => emitUntyped(1)).toThrow(/Expected 2 arguments/);
    expect(() => emitUntyped(1, "x")).toThrow(/expected number/);
    // PUB/SUB: the subscription may still be on its way, so publish until it has arrived.
    const publishing = setInterval(() => sig.emit(3, 4), 10);
    expect(await got).toEqual([3, 4]);
    clearInterval(publishing);
  });

  it("a client's signal listener that throws is reported to its logger; the others still run", async () => {
    const s = new RPCServer({ url: "tcp://127.0.0.1:0" });
    cleanups.push(() => s.close());
    const sig = s.registerSignal("moved");
    await s.start();
    void s.serveForever();
    const reported: Array<[string, unknown]> = [];
    const c = await client(`tcp://127.0.0.1:${s.port}`, {
      logger: { warn: (m: string, e: unknown) => reported.push([m, e]) },
    });
    c.signal("moved").connect(() => {
      throw new Error("listener bug");
    });
    const got = new Promise((r) => c.signal("moved").connect((...a) => r(a)));
    const publishing = setInterval(() => sig.emit(1), 10);
    expect(await got).toEqual([1]);
    clearInterval(publishing);
    expect(reported[0]![0]).toMatch(/a listener of signal moved .* threw/);
    expect((reported[0]![1] as Error).message).toBe("listener bug");
  });

  it("refuses bad registrations with clear errors", () => {
    const s = new RPCServer({ url: "tcp://127.0.0.1:0" });
    s.registerMethodJson("ok", () => 1);
    expect(() => s.registerMethodJson("ok", () => 2)).toThrow(/already registered/);
    expect(() => s.registerMethodJson("t", () => 1, { timeout: -1 })).toThrow(/positive number of ms/);
    expect(() => s.registerMethodJson("p", () => 1, { params: "a,b" as never })).toThrow(/parameter names/);
    expect(() => s.registerMethodJson("f", 42 as never)).toThrow(/not a function/);
    expect(() => s.registerProperty("x", { get: () => 1, notify: "nope" })).toThrow(/not registered/);
    expect(() => new RPCServer({ url: "not a url" })).toThrow(/invalid url/);
    s.close();
  });

  it("RPCSignal: connection order, no duplicate connections, disconnect one or all", () => {
    const sig = new RPCSignal<[number]>();
    const calls: string[] = [];
    const a = (n: number) => calls.push(`a${n}`);
    const b = (n: number) => calls.push(`b${n}`);
    sig.connect(a);
    sig.connect(b);
    sig.connect(a);
    sig.emit(1);
    sig.disconnect(a);
    sig.emit(2);
    sig.disconnect();
    sig.emit(3);
    expect(calls).toEqual(["a1", "b1", "b2"]);
  });

  it("the typed proxy calls methods by name", async () => {
    interface Device {
      add(a: number, b?: number): number;
      echo(x: string): string;
    }
    const { url } = await device();
    const c = await client(url);
    const remote = c.proxy<Device>();
    const sum: number = await remote.add(20, 22);
    expect(sum).toBe(42);
    expect(await remote.echo("hi")).toBe("hi");
  });
});

describe("arityOf", () => {
  it("counts plain parameters, and gives up on defaults, rest parameters and destructuring", async () => {
    const { arityOf } = await import("../src/rpc/request.js");
    expect(arityOf((a: number, b: number) => a + b)).toBe(2);
    expect(arityOf(((x: number) => x) as never)).toBe(1);
    expect(arityOf(function named(this: unknown) {})).toBe(0);
    expect(arityOf(async (a: number) => a)).toBe(1);
    expect(arityOf((a: number, b = 2) => a + b)).toBeUndefined();
    expect(arityOf((...all: number[]) => all)).toBeUndefined();
    expect(arityOf(({ a }: { a: number }) => a)).toBeUndefined();
    class Device {
      move(to: number, speed: number) {
        return to * speed;
      }
    }
    expect(arityOf(new Device().move)).toBe(2);
  });
});

/**
 * Today's conventions on the RPC and ZeroMQ APIs: AbortSignal options (an aborted operation
 * rejects at once with the signal's reason, and what it waited for is dropped), client signals
 * as async iterables, and `using` / `await using` closing clients, servers, registries, sockets.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DeviceRegistry, RPCClient, RpcError } from "../src/index.js";
import { listDevices } from "../src/registry/index.js";
import { Pull, Push } from "../src/zmq/index.js";
import { makeTsDevice } from "../conformance/helpers/ts-device.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function device() {
  const d = makeTsDevice();
  await d.server.start();
  void d.server.serveForever();
  cleanups.push(() => d.server.close());
  return { ...d, url: `tcp://127.0.0.1:${d.server.port}` };
}

async function client(url: string) {
  const c = await RPCClient.connect(url);
  cleanups.push(() => c.close());
  return c;
}

const reason = () => new Error("given up by the caller");

describe("AbortSignal on RPCClient", () => {
  it("a call aborted while it waits rejects at once with the reason; its late reply is dropped", async () => {
    const { url } = await device();
    const c = await client(url);
    const controller = new AbortController();
    const why = reason();
    const call = c.call("sleep", [300], {}, { signal: controller.signal });
    controller.abort(why);
    await expect(call).rejects.toBe(why);
    // The reply to the aborted call comes meanwhile and must not answer this one.
    expect(await c.call("sleep", [400])).toBe(400);
    expect(await c.call("add", [1, 2])).toBe(3);
  });

  it("an already aborted signal rejects without sending (the server never sees the call)", async () => {
    const { url } = await device();
    const c = await client(url);
    const why = reason();
    await c.setProperty("exposure", 10);
    await expect(c.setProperty("exposure", 99, { signal: AbortSignal.abort(why) })).rejects.toBe(why);
    await expect(c.getProperty("exposure", { signal: AbortSignal.abort(why) })).rejects.toBe(why);
    await expect(c.call("add", [1], {}, { signal: AbortSignal.abort(why) })).rejects.toBe(why);
    expect(await c.getProperty("exposure")).toBe(10);
  });

  it("AbortSignal.timeout() bounds a property read; a signal that never aborts changes nothing", async () => {
    const { url } = await device();
    const c = await client(url);
    expect(await c.getProperty("model", { signal: new AbortController().signal })).toBe("plantrpc-device");
    await expect(c.call("sleep", [2000], {}, { signal: AbortSignal.timeout(20) })).rejects.toMatchObject({
      name: "TimeoutError",
    });
  });

  it("connect() gives up when its signal aborts, before or while it waits for a server", async () => {
    const why = reason();
    await expect(RPCClient.connect("tcp://127.0.0.1:9", { signal: AbortSignal.abort(why) })).rejects.toBe(why);
    const controller = new AbortController();
    // Nobody answers there: without the signal, connect() would wait its whole timeout.
    const connecting = RPCClient.connect("tcp://127.0.0.1:9", { timeout: 60_000, signal: controller.signal });
    setImmediate(() => controller.abort(why));
    await expect(connecting).rejects.toBe(why);
  });
});

describe("client signals as async iterables", () => {
  it("for await reads each emission's arguments, and ends when the client closes", async () => {
    const { url } = await device();
    const c = await RPCClient.connect(url);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const [n] of c.signal<[number]>("tick")) seen.push(n);
      return "ended";
    })();
    await c.call("emit_ticks", [5]);
    await expect.poll(() => seen.length).toBe(5);
    c.close();
    expect(await reading).toBe("ended");
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it("break disconnects the iteration's listener", async () => {
    const { url } = await device();
    const c = await client(url);
    const signal = c.signal<[number]>("tick");
    const reading = (async () => {
      for await (const [n] of signal) if (n === 2) break;
    })();
    expect(signal.listenerCount).toBe(1);
    await c.call("emit_ticks", [3]);
    await reading;
    expect(signal.listenerCount).toBe(0);
  });

  it("an iteration begun after the client closed ends at once", async () => {
    const { url } = await device();
    const c = await RPCClient.connect(url);
    const signal = c.signal("tick");
    c.close();
    const read: unknown[] = [];
    for await (const args of signal) read.push(args);
    expect(read).toEqual([]);
  });
});

describe("AbortSignal on send() and receive()", () => {
  it("a receive aborted while it waits rejects with the reason; the next message goes to the next receive", async () => {
    const pull = new Pull({ linger: 0 });
    const push = new Push({ linger: 0 });
    cleanups.push(
      () => pull.close(),
      () => push.close(),
    );
    await pull.bind("tcp://127.0.0.1:*");
    push.connect(pull.lastEndpoint!);
    const controller = new AbortController();
    const why = reason();
    const waiting = pull.receive({ signal: controller.signal });
    controller.abort(why);
    await expect(waiting).rejects.toBe(why);
    await push.send("kept");
    expect(String((await pull.receive())[0])).toBe("kept");
    await expect(pull.receive({ signal: AbortSignal.abort(why) })).rejects.toBe(why);
  });

  it("a send aborted while it waits for room is not sent", async () => {
    const push = new Push({ linger: 0, sendHighWaterMark: 1 });
    const pull = new Pull({ linger: 0 });
    cleanups.push(
      () => pull.close(),
      () => push.close(),
    );
    const controller = new AbortController();
    const why = reason();
    const waiting = push.send("dropped", { signal: controller.signal }); // no peer yet: it waits
    controller.abort(why);
    await expect(waiting).rejects.toBe(why);
    await pull.bind("tcp://127.0.0.1:*");
    push.connect(pull.lastEndpoint!);
    await push.send("first");
    expect(String((await pull.receive())[0])).toBe("first");
  });
});

describe("using and await using", () => {
  it("close sockets, clients and servers at the end of the block, and stop registries", async () => {
    let outside: { push: Push; c: RPCClient; server: ReturnType<typeof makeTsDevice>["server"] };
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    {
      await using reg = registry;
      await reg.start();
      expect(await listDevices(`tcp://127.0.0.1:${reg.port}`, { timeout: 2000 })).toEqual({});
      const d = makeTsDevice();
      await using server = d.server;
      await server.start();
      void server.serveForever();
      await using c = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`);
      using push = new Push({ linger: 0 });
      expect(await c.call("add", [2, 3])).toBe(5);
      outside = { push, c, server };
    }
    expect(outside.push.closed).toBe(true);
    await expect(outside.c.call("add", [1])).rejects.toThrow(RpcError);
    expect(outside.server.isStopped).toBe(true);
    await expect(listDevices(`tcp://127.0.0.1:${registry.port}`, { timeout: 200 })).rejects.toThrow();
  });
});

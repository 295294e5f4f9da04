import { Buffer } from "node:buffer";
import { afterEach, describe, expect, it } from "vitest";
import { listDevices, registerDevice } from "../src/registry/client.js";
import { DeviceRegistry } from "../src/registry/registry.js";
import { RPCClient } from "../src/rpc/client.js";
import { RemoteError } from "../src/rpc/errors.js";
import { RPCServer } from "../src/rpc/server.js";
import { Dealer, Request, Router } from "../src/zmq/index.js";
import { decodeMessagePack, encodeMessagePack } from "../src/common/msgpack.js";
import { parsePythonJson } from "../src/common/python-json.js";

/**
 * What the fuzz targets of the RPC layer found (fuzz/targets/msgpack.cjs, python-json.cjs,
 * rpc-request.cjs, rpc-reply.cjs, registry-request.cjs): one test per finding, named for it. The
 * inputs are kept as seeds too, in fuzz/corpus/<target>/regression-*.
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A request id's frame. */
const id = (n: number) => Buffer.from([0, 0, 0, n]);

/**
 * A device that answers each request by its event with `answers[event]` (a JSON text), and
 * anything else with a success; resolves with its URL.
 */
async function fakeDevice(answers: Record<string, string>): Promise<string> {
  const router = new Router({ linger: 0 });
  cleanups.push(() => router.close());
  await router.bind("tcp://127.0.0.1:0");
  void (async () => {
    for await (const frames of router) {
      const delimiter = frames.findIndex((f) => f.length === 0);
      const request = JSON.parse(frames[delimiter + 1]!.toString()) as { event: string };
      const answer = answers[request.event] ?? '{"success": true, "result": null}';
      await router.send([...frames.slice(0, delimiter + 1), Buffer.from(answer)]).catch(() => {});
    }
  })();
  return router.lastEndpoint!;
}

const INVENTORY = {
  json_methods: { add: 10000 },
  buffer_methods: {},
  signals: [],
  properties: [],
  name: "",
};

describe("fuzz findings (RPC, registry, bodies)", () => {
  it("msgpack: a map key written as str8/str16/str32 (32 octets or more) is read, not refused", () => {
    const long = "k".repeat(32);
    expect(decodeMessagePack(encodeMessagePack({ [long]: 1, short: 2 }))).toEqual({ [long]: 1, short: 2 });
    // {"kkk...k" (str8, 32 octets): 1, "a" (str16): 2}
    const bytes = Buffer.concat([
      Buffer.from([0x82, 0xd9, 0x20]),
      Buffer.from(long),
      Buffer.from([0x01, 0xda, 0x00, 0x01, 0x61, 0x02]),
    ]);
    expect(decodeMessagePack(bytes)).toEqual({ [long]: 1, a: 2 });
  });

  it("python-json: plain JSON (no NaN, so JSON.parse reads it) nested past 1000 is refused as the reader refuses it", () => {
    const arrays = (n: number, inner: string) => `${"[".repeat(n)}${inner}${"]".repeat(n)}`;
    const objects = (n: number, inner: string) => `${'{"a":'.repeat(n)}${inner}${"}".repeat(n)}`;
    // Before, only a body with NaN or Infinity in it met the bound; these were accepted at any depth.
    expect(() => parsePythonJson(arrays(1001, "[0]"))).toThrow(SyntaxError);
    expect(() => parsePythonJson(arrays(1_000_000, ""))).toThrow(/nesting deeper than 1000/);
    expect(() => parsePythonJson(objects(1001, "1"))).toThrow(/nesting deeper than 1000/);
    // The bound is the reader's: 1000 non-empty levels (an empty innermost one is a leaf).
    expect(parsePythonJson(arrays(999, "[0]"))).toBeDefined();
    expect(parsePythonJson(arrays(1000, "[]"))).toBeDefined();
    expect(() => parsePythonJson(arrays(1000, "[NaN]"))).toThrow(/nesting deeper than 1000/);
    expect(() => parsePythonJson(arrays(1000, "[0]"))).toThrow(/nesting deeper than 1000/);
  });

  it("python-json + msgpack: a value 1001 levels deep (1000 JSON objects around an empty one) is refused by the MessagePack encoder, not sent undecodable", () => {
    const value = parsePythonJson(`${'{"a":'.repeat(1000)}{}${"}".repeat(1000)}`);
    // Before, the encoder allowed 1001 levels and the decoder 1000: a reply the client could not read.
    expect(() => encodeMessagePack(value)).toThrow(/nested deeper than 1000/);
    const deepest = (n: number): unknown => (n === 0 ? 1 : [deepest(n - 1)]);
    expect(decodeMessagePack(encodeMessagePack(deepest(1000)))).toEqual(deepest(1000));
    expect(() => encodeMessagePack(deepest(1001))).toThrow(/nested deeper than 1000/);
  });

  it("rpc-request: STREAM_CREDIT whose credit is an object (Number() throws on it) gets no reply, not a failure with the server's stack", async () => {
    const server = new RPCServer({ url: "tcp://127.0.0.1:0" });
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.stopServer());
    const dealer = new Dealer({ linger: 0 });
    cleanups.push(() => dealer.close());
    dealer.connect(server.endpoint!);
    const credit = { event: "STREAM_CREDIT", request: 1, credit: { toString: 1 } };
    await dealer.send([id(2), Buffer.alloc(0), Buffer.from(JSON.stringify(credit))]);
    await dealer.send([id(3), Buffer.alloc(0), Buffer.from('{"event": "GET_INVENTORY"}')]);
    // Before, the first message back was a failure reply to request 2: "Cannot convert object to
    // primitive value", with the device's JavaScript stack as its traceback.
    const [requestId, , reply] = await dealer.receive();
    expect(requestId).toEqual(id(3));
    expect(JSON.parse(reply!.toString())).toHaveProperty("json_methods");
  });

  it("rpc-reply: a failure reply whose error is an object without a usable toString fails the call with a RemoteError, a stream's read too, nothing left unhandled", async () => {
    const hostile = '{"success": false, "error": {"toString": 1}, "traceback": {"valueOf": 1, "toString": 1}}';
    const url = await fakeDevice({
      GET_INVENTORY: JSON.stringify({
        ...INVENTORY,
        plantrpc: {
          version: 1,
          encodings: ["json"],
          calls: ["cancel", "progress", "stream"],
          streams: { count: null },
        },
      }),
      METHOD_CALL: hostile,
    });
    const client = await RPCClient.connect(url, { encoding: "json" });
    cleanups.push(() => client.close());
    // Before: a TypeError (String() of that object) from call(); and from a stream, an unhandled
    // rejection (which ends a Node process) while the reading loop waited forever.
    const failure = await client.call("add", [1, 2]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RemoteError);
    expect((failure as RemoteError).remoteError).toBe("[object Object]");
    const read = (async () => {
      for await (const _item of client.stream("count")) {
        // no item comes
      }
    })();
    await expect(read).rejects.toBeInstanceOf(RemoteError);
  });

  it("rpc-reply: an inventory whose plantrpc key is malformed (encodings or calls not lists) is taken for one without the key, not a TypeError at connect or at every call", async () => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    for (const plantrpc of [
      { version: 1, encodings: 5 },
      { version: 1, encodings: ["json", "msgpack"], calls: 5 },
    ]) {
      const url = await fakeDevice({
        GET_INVENTORY: JSON.stringify({ ...INVENTORY, plantrpc }),
        METHOD_CALL: '{"success": true, "result": 3}',
      });
      const client = await RPCClient.connect(url, { logger });
      cleanups.push(() => client.close());
      expect(client.inventory.plantrpc).toBeUndefined();
      expect(await client.call("add", [1, 2])).toBe(3);
    }
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/"plantrpc" key is malformed \(encodings does not list json\)/);
    expect(warnings[1]).toMatch(/calls is not a list of names/);
  });

  it("rpc-reply: an inventory whose method timeout is not a number (an array holding an object) gives the default timeout, not a TypeError at every call", async () => {
    const url = await fakeDevice({
      GET_INVENTORY: JSON.stringify({
        ...INVENTORY,
        json_methods: { add: [{ toString: 1 }], late: "soon", never: null },
        buffer_methods: { image: -5 },
      }),
      METHOD_CALL: '{"success": true, "result": 3}',
    });
    const client = await RPCClient.connect(url);
    cleanups.push(() => client.close());
    // Before: `performance.now() + timeout` converted the array, and String() of its object threw.
    expect(await client.call("add", [1, 2])).toBe(3);
    expect(await client.call("late")).toBe(3);
    const timeoutOf = (name: string) =>
      (client as unknown as { methodTimeout(n: string): number | null }).methodTimeout(name);
    expect([timeoutOf("add"), timeoutOf("late"), timeoutOf("image")]).toEqual([10_000, 10_000, 10_000]);
    // And found on the way: a JSON method's null (forever) read as missing, so 10 s.
    expect(timeoutOf("never")).toBeNull();
  });

  it("registry-request: UNREGISTER or CHECK_ALIVE whose uuid is an object (String() throws on it) is answered, and the registry goes on", async () => {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    cleanups.push(() => registry.stop());
    const ask = async (body: string) => {
      const req = new Request({ linger: 0, receiveTimeout: 2000 });
      try {
        req.connect(registry.url);
        await req.send(body);
        const [reply] = await req.receive();
        return JSON.parse(reply!.toString());
      } finally {
        req.close();
      }
    };
    // Before: a TypeError in handle() ended the serving loop, an unhandled rejection the process.
    for (const event of ["UNREGISTER", "CHECK_ALIVE"]) {
      const reply = await ask(`{"event": "${event}", "payload": {"uuid": {"toString": 1}}}`);
      expect(reply).toMatchObject({ event: "ACK", payload: { req_event: event, success: false } });
    }
    await registerDevice("camera", "tcp://127.0.0.1:10001", "cam", registry.url);
    expect(await listDevices(registry.url)).toEqual({ cam: { type: "camera", addr: "tcp://127.0.0.1:10001" } });
  });

  it('registry-request: a device registered as "__proto__" is listed (LIST, getDevices()), not set as the prototype', async () => {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    cleanups.push(() => registry.stop());
    const { name } = await registerDevice("camera", "tcp://127.0.0.1:10002", "__proto__", registry.url);
    expect(name).toBe("__proto__");
    // Before: `out[name] = entry` set the prototype of the list, and LIST_ACK listed nothing.
    expect(Object.keys(registry.getDevices())).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(registry.getDevices())).toBe(Object.prototype);
    const devices = await listDevices(registry.url);
    expect(Object.hasOwn(devices, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(devices, "__proto__")?.value).toEqual({
      type: "camera",
      addr: "tcp://127.0.0.1:10002",
    });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import {
  DeviceRegistry,
  listDevices,
  registerDevice,
  registerToRegistry,
  RPCClient,
  RPCServer,
  RpcTimeoutError,
  sendAliveCheck,
  unregisterDevice,
} from "../src/index.js";
import { Request } from "../src/zmq/index.js";
import { settle } from "../conformance/helpers/wait.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function registry(options = {}) {
  const r = new DeviceRegistry({ addr: "127.0.0.1", port: 0, ...options });
  await r.start();
  cleanups.push(() => r.stop());
  return r;
}

describe("DeviceRegistry", () => {
  it("reports a listener that throws to its logger and goes on serving", async () => {
    const reported: string[] = [];
    const r = await registry({ logger: { warn: (m: string) => reported.push(m) } });
    r.on("added", () => {
      throw new Error("listener bug");
    });
    const added: string[] = [];
    r.on("added", (_t, _a, name) => added.push(name));
    expect((await registerDevice("camera", "tcp://h:1", "cam", r.url)).name).toBe("cam");
    expect((await registerDevice("camera", "tcp://h:2", "cam2", r.url)).name).toBe("cam2");
    expect(added).toEqual(["cam", "cam2"]);
    expect(reported).toEqual([
      'a "added" listener of the device registry threw',
      'a "added" listener of the device registry threw',
    ]);
  });

  it("reports failing listeners as process warnings by default", async () => {
    const r = await registry();
    r.on("added", () => {
      throw new Error("listener bug");
    });
    const warning = new Promise<Error>((resolve) => process.once("warning", resolve));
    await registerDevice("camera", "tcp://h:1", "cam", r.url);
    const w = await warning;
    expect(w.name).toBe("PlantrpcWarning");
    expect((w as Error & { detail?: string }).detail).toContain("listener bug");
  });

  it("applies the reference's naming rules, with <type>-N for empty names", async () => {
    const r = await registry();
    expect((await registerDevice("camera", "tcp://h:1", "cam", r.url)).name).toBe("cam");
    expect((await registerDevice("camera", "tcp://h:2", "cam", r.url)).name).toBe("cam-1");
    expect((await registerDevice("camera", "tcp://h:3", "cam", r.url)).name).toBe("cam-2");
    expect((await registerDevice("motor", "tcp://h:4", "", r.url)).name).toBe("motor-0");
    expect((await registerDevice("motor", "tcp://h:5", "", r.url)).name).toBe("motor-1");
    expect(Object.keys(r.getDevices()).sort()).toEqual(["cam", "cam-1", "cam-2", "motor-0", "motor-1"]);
  });

  it("overwrite replaces the device of that name; a new registration at an address replaces the old one", async () => {
    const r = await registry();
    const removed: string[] = [];
    r.on("removed", (_t, _a, name) => removed.push(name));
    await registerDevice("camera", "tcp://h:1", "cam", r.url);
    const again = await registerDevice("camera", "tcp://h:9", "cam", r.url, { overwrite: true });
    expect(again.name).toBe("cam");
    expect(r.getDevices()).toEqual({ cam: { type: "camera", addr: "tcp://h:9" } });
    await registerDevice("camera", "tcp://h:9", "renamed", r.url);
    expect(r.getDevices()).toEqual({ renamed: { type: "camera", addr: "tcp://h:9" } });
    expect(removed).toEqual(["cam", "cam"]);
  });

  it("answers UNREGISTER, CHECK_ALIVE and LIST, and reports added and removed devices", async () => {
    const r = await registry();
    const events: string[] = [];
    r.on("added", (t, a, n) => events.push(`added ${t} ${a} ${n}`));
    r.on("removed", (t, a, n) => events.push(`removed ${t} ${a} ${n}`));
    const { uuid } = await registerDevice("camera", "tcp://h:1", "cam", r.url);
    expect(await sendAliveCheck(uuid, r.url, 60)).toBe("ok");
    expect(await listDevices(r.url)).toEqual({ cam: { type: "camera", addr: "tcp://h:1" } });
    expect(await unregisterDevice(uuid, r.url)).toBe(true);
    expect(await unregisterDevice(uuid, r.url)).toBe(false);
    expect(await sendAliveCheck(uuid, r.url, 60)).toBe("unknown");
    expect(events).toEqual(["added camera tcp://h:1 cam", "removed camera tcp://h:1 cam"]);
  });

  it("expires devices whose alive checks stop", async () => {
    const r = await registry({ registrationTimeout: 1 });
    const removed = new Promise<string>((resolve) => r.on("removed", (_t, _a, name) => resolve(name)));
    await registerDevice("camera", "tcp://h:1", "cam", r.url);
    expect(await removed).toBe("cam");
    expect(r.getDevices()).toEqual({});
  });

  it("answers anything else with UNSUPPORTED and keeps serving", async () => {
    const r = await registry();
    const raw = async (body: string) => {
      const s = new Request({ receiveTimeout: 2000 });
      s.connect(r.url);
      await s.send(body);
      const [reply] = await s.receive();
      s.close();
      return JSON.parse(reply!.toString());
    };
    expect(await raw('{"event": "REBOOT", "payload": {}}')).toEqual({
      event: "UNSUPPORTED",
      payload: { req_event: "REBOOT" },
    });
    expect((await raw("garbage")).event).toBe("UNSUPPORTED");
    expect((await raw('{"event": "REGISTER", "payload": {}}')).event).toBe("UNSUPPORTED");
    expect((await registerDevice("camera", "tcp://h:1", "cam", r.url)).name).toBe("cam");
  });
});

describe("registry clients never wait forever", () => {
  it("time out when no registry answers", async () => {
    const nobody = "tcp://127.0.0.1:9";
    await expect(registerDevice("camera", "tcp://h:1", "cam", nobody, { timeout: 200 })).rejects.toBeInstanceOf(
      RpcTimeoutError,
    );
    await expect(unregisterDevice("x", nobody, { timeout: 200 })).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(await sendAliveCheck("x", nobody, 60, { timeout: 200 })).toBe("unreachable");
  });
});

describe("registerToRegistry", () => {
  async function device(registryUrl: string, options = {}) {
    const server = new RPCServer({ url: "tcp://127.0.0.1" });
    server.registerMethodJson("ping", () => "pong");
    const { name } = await registerToRegistry(server, "camera", "cam", registryUrl, {
      checkInterval: 50,
      checkTimeout: 300,
      ...options,
    });
    const serving = server.serveForever();
    cleanups.push(() => server.close());
    return { server, name, serving };
  }

  it("registers its address, is found through the registry, and reports its name in the inventory", async () => {
    const r = await registry();
    const { server, name } = await device(r.url);
    expect(name).toBe("cam");
    expect(r.getDevices().cam).toEqual({ type: "camera", addr: `tcp://127.0.0.1:${server.port}` });
    const found = await listDevices(r.url);
    const client = await RPCClient.connect(found.cam!.addr);
    cleanups.push(() => client.close());
    expect(client.name).toBe("cam");
    expect(await client.call("ping")).toBe("pong");
  });

  it("re-registers when a restarted registry forgot it", async () => {
    const first = await registry();
    const port = first.port;
    await device(first.url);
    await first.stop();
    cleanups.pop();
    const second = await registry({ port });
    const added = await new Promise<string>((resolve) => second.on("added", (_t, _a, n) => resolve(n)));
    expect(added).toBe("cam");
  });

  it("by default goes on serving while the registry is away, and registers again when it is back", async () => {
    const first = await registry();
    const port = first.port;
    const { server } = await device(first.url, { checkTimeout: 100 });
    await first.stop();
    cleanups.pop();
    // An absence check: many more silent checks than maxUnanswered (3), and still serving.
    await settle(1000);
    expect(server.isStopped).toBe(false);
    const { RPCClient } = await import("../src/index.js");
    const c = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`);
    expect(await c.call("ping")).toBe("pong");
    c.close();
    const second = await registry({ port });
    const added = await new Promise<string>((resolve) => second.on("added", (_t, _a, n) => resolve(n)));
    expect(added).toBe("cam");
  });

  it("unregisters when it stops", async () => {
    const r = await registry();
    const { server, serving } = await device(r.url);
    const removed = new Promise<string>((resolve) => r.on("removed", (_t, _a, n) => resolve(n)));
    server.stopServer();
    await serving;
    expect(await removed).toBe("cam");
  });

  it("with stopWhenUnreachable, stops serving after the configured number of unanswered checks (the reference's way)", async () => {
    const r = await registry();
    const { server, serving } = await device(r.url, { maxUnanswered: 2, checkTimeout: 100, stopWhenUnreachable: true });
    await r.stop();
    cleanups.pop();
    await serving;
    expect(server.isStopped).toBe(true);
    expect(server.name).toBe("");
  });
});

describe("DeviceRegistry under a flood", () => {
  /** A REGISTER straight to the registry's handler: the cost measured is the registry's alone. */
  function register(r: DeviceRegistry, addr: string, name: string) {
    const body = Buffer.from(JSON.stringify({ event: "REGISTER", payload: { device_type: "cam", addr, name } }));
    return (r as unknown as { handle(b: Uint8Array): { event: string; payload: Record<string, unknown> } }).handle(
      body,
    );
  }

  it("serves 20,000 registrations of one name, each numbered (O(n) overall: this took 75 s before indexing)", () => {
    const r = new DeviceRegistry({ port: 0, maxDevices: 100_000 });
    for (let i = 0; i < 20_000; i++) register(r, `tcp://10.0.0.1:${i}`, "cam");
    const names = Object.keys(r.getDevices());
    expect(names).toHaveLength(20_000);
    expect(names.slice(0, 3)).toEqual(["cam", "cam-1", "cam-2"]);
    expect(new Set(names).size).toBe(20_000);
  });

  it("gives a freed number again, the smallest first, as the reference's rules say", async () => {
    const r = await registry();
    const uuids: string[] = [];
    for (let i = 0; i < 4; i++) uuids.push((await registerDevice("camera", `tcp://h:${i}`, "cam", r.url)).uuid);
    await unregisterDevice(uuids[2]!, r.url); // cam-2
    await unregisterDevice(uuids[1]!, r.url); // cam-1
    expect((await registerDevice("camera", "tcp://h:10", "cam", r.url)).name).toBe("cam-1");
    expect((await registerDevice("camera", "tcp://h:11", "cam", r.url)).name).toBe("cam-2");
    expect((await registerDevice("camera", "tcp://h:12", "cam", r.url)).name).toBe("cam-4");
  });

  it("refuses REGISTER past maxDevices, with the reason, and takes it again once one leaves", async () => {
    const r = await registry({ maxDevices: 2 });
    const first = await registerDevice("camera", "tcp://h:1", "a", r.url);
    await registerDevice("camera", "tcp://h:2", "b", r.url);
    await expect(registerDevice("camera", "tcp://h:3", "c", r.url)).rejects.toThrow(
      /refused REGISTER: the registry is full \(2 devices\)/,
    );
    // Re-registering at a known address replaces that device: not refused.
    expect((await registerDevice("camera", "tcp://h:2", "b2", r.url)).name).toBe("b2");
    await unregisterDevice(first.uuid, r.url);
    expect((await registerDevice("camera", "tcp://h:3", "c", r.url)).name).toBe("c");
  });

  it("cuts an alive_timeout past maxAliveTimeout (no entry becomes permanent), and says so", async () => {
    const r = await registry({ maxAliveTimeout: 1 });
    const { uuid } = await registerDevice("camera", "tcp://h:1", "cam", r.url);
    const req = new Request({ receiveTimeout: 2000, linger: 0 });
    cleanups.push(() => req.close());
    req.connect(r.url);
    await req.send(JSON.stringify({ event: "CHECK_ALIVE", payload: { uuid, alive_timeout: 1e15 } }));
    const [reply] = await req.receive();
    expect(JSON.parse(String(reply))).toEqual({
      event: "ACK",
      payload: { req_event: "CHECK_ALIVE", success: true, alive_timeout: 1 },
    });
    const removed = new Promise<string>((resolve) => r.on("removed", (_t, _a, name) => resolve(name)));
    expect(await removed).toBe("cam");
    expect(await sendAliveCheck(uuid, r.url, 60)).toBe("unknown");
  });
});

describe("DeviceRegistry against hostile requests", () => {
  /** One request on a fresh REQ, as the reference's clients send; undefined when unanswered. */
  async function ask(url: string, body: string | Uint8Array, timeout = 2000): Promise<unknown> {
    const req = new Request({ receiveTimeout: timeout, linger: 0 });
    cleanups.push(() => req.close());
    req.connect(url);
    await req.send(body);
    try {
      const [reply] = await req.receive();
      return JSON.parse(String(reply));
    } catch {
      return undefined;
    }
  }

  it("refuses names, types and addresses too long or holding control characters, with the reason", async () => {
    const r = await registry();
    const register = (fields: Record<string, string>) =>
      ask(r.url, JSON.stringify({ event: "REGISTER", payload: { device_type: "cam", addr: "tcp://h:1", ...fields } }));
    expect(await register({ name: "n".repeat(129) })).toEqual({
      event: "UNSUPPORTED",
      payload: { req_event: "REGISTER", error: '"name" is longer than 128 characters' },
    });
    expect(await register({ device_type: "t".repeat(65) })).toMatchObject({
      payload: { error: '"device_type" is longer than 64 characters' },
    });
    expect(await register({ addr: `tcp://${"h".repeat(251)}:1` })).toMatchObject({
      payload: { error: '"addr" is longer than 256 characters' },
    });
    for (const name of ["a\nb", "\u001b[2J", "a\u2028b", "zero\u200bwidth", "\u202eevil"]) {
      expect(await register({ name })).toMatchObject({ payload: { error: '"name" holds control characters' } });
    }
    expect(r.getDevices()).toEqual({});
    expect((await registerDevice("cam", "tcp://h:1", "n".repeat(128), r.url)).name).toBe("n".repeat(128));
  });

  it("closes a connection that sends a request over maxRequestSize (64 KiB) unread, and serves the next", async () => {
    const r = await registry();
    const huge = JSON.stringify({ event: "REGISTER", payload: { device_type: "cam", addr: "x".repeat(8 << 20) } });
    expect(await ask(r.url, huge, 1000)).toBeUndefined();
    expect((await registerDevice("cam", "tcp://h:1", "cam", r.url)).name).toBe("cam");
    const small = await registry({ maxRequestSize: 100 });
    expect(await ask(small.url, JSON.stringify({ event: "LIST", payload: { pad: "x".repeat(100) } }), 1000)).toBe(
      undefined,
    );
    expect(await ask(small.url, JSON.stringify({ event: "LIST", payload: {} }))).toMatchObject({ event: "LIST_ACK" });
  });

  it("an alive_timeout of NaN or not a number is the default (20 s), a negative one expires the device", async () => {
    const r = await registry();
    const { uuid } = await registerDevice("camera", "tcp://h:1", "cam", r.url);
    for (const alive of ["NaN", '"forever"', "[1]"]) {
      const reply = await ask(
        r.url,
        `{"event": "CHECK_ALIVE", "payload": {"uuid": "${uuid}", "alive_timeout": ${alive}}}`,
      );
      expect(reply, alive).toEqual({
        event: "ACK",
        payload: { req_event: "CHECK_ALIVE", success: true, alive_timeout: 20 },
      });
    }
    const removed = new Promise<string>((resolve) => r.on("removed", (_t, _a, name) => resolve(name)));
    expect(await ask(r.url, JSON.stringify({ event: "CHECK_ALIVE", payload: { uuid, alive_timeout: -5 } }))).toEqual({
      event: "ACK",
      payload: { req_event: "CHECK_ALIVE", success: true, alive_timeout: 0 },
    });
    expect(await removed).toBe("cam");
  });

  it("keeps its naming hints bounded: a flood of distinct base names leaves at most maxDevices of them", () => {
    const r = new DeviceRegistry({ port: 0, maxDevices: 100 });
    const handle = (r as unknown as { handle(b: Uint8Array): unknown }).handle.bind(r);
    const register = (name: string, addr: string) =>
      handle(Buffer.from(JSON.stringify({ event: "REGISTER", payload: { device_type: "t", addr, name } })));
    // Two devices at a time (a registration at a known address replaces it), each pair leaving a
    // hint for its base name: base${i}-1 taken, the next one to try is 2.
    for (let i = 0; i < 5000; i++) {
      register(`base${i}`, "tcp://h:1");
      expect(register(`base${i}`, "tcp://h:2")).toMatchObject({ payload: { name: `base${i}-1` } });
    }
    expect((r as unknown as { lowestFree: Map<string, number> }).lowestFree.size).toBeLessThanOrEqual(100);
    expect(Object.keys(r.getDevices())).toEqual(["base4999", "base4999-1"]);
  });
});

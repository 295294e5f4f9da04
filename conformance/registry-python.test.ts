/**
 * The device registry protocol across languages: our server with a Python registry, a Python
 * server with ours, a Python client finding our device through our registry; restarts, expiry.
 */
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  DeviceRegistry,
  listDevices,
  registerToRegistry,
  RPCClient,
  RPCServer,
  UnsupportedByRegistry,
} from "../src/index.js";
import { hasPyzmq } from "./helpers/python.js";
import { pythonRpcImpl, PythonCaller, startPythonDevice, startPythonRegistry } from "./helpers/python-rpc.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A port the OS hands out now (for Python registries, which bind a given port). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function ourRegistry(options = {}) {
  const r = new DeviceRegistry({ addr: "127.0.0.1", port: 0, ...options });
  await r.start();
  cleanups.push(() => r.stop());
  return r;
}

async function ourDevice(registryUrl: string, name = "cam") {
  const server = new RPCServer({ url: "tcp://127.0.0.1" });
  server.registerMethodJson("whoami", () => "typescript camera");
  await registerToRegistry(server, "camera", name, registryUrl, { checkInterval: 100, checkTimeout: 1000 });
  const serving = server.serveForever();
  cleanups.push(() => server.close());
  return { server, serving };
}

describe.runIf(hasPyzmq())(`registry interop (Python side: ${pythonRpcImpl})`, () => {
  it("our server registers with a Python registry, and unregisters when it stops", async () => {
    const registry = await startPythonRegistry(await freePort());
    cleanups.push(() => registry.kill());
    expect(registry.impl).toBe(pythonRpcImpl);
    const added = registry.next((e) => e.event === "added");
    const { server, serving } = await ourDevice(registry.url);
    expect(await added).toEqual({
      event: "added",
      type: "camera",
      addr: `tcp://127.0.0.1:${server.port}`,
      name: "cam",
    });
    const removed = registry.next((e) => e.event === "removed");
    server.stopServer();
    await serving;
    expect((await removed).name).toBe("cam");
  });

  it("a Python registry answers LIST with UNSUPPORTED, and our client says so", async () => {
    const registry = await startPythonRegistry(await freePort());
    cleanups.push(() => registry.kill());
    const err = await listDevices(registry.url).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedByRegistry);
    expect(err.message).toMatch(/does not support LIST/);
  });

  it("our server re-registers after the Python registry restarts", async () => {
    const port = await freePort();
    const first = await startPythonRegistry(port);
    const added = first.next((e) => e.event === "added");
    await ourDevice(first.url);
    await added;
    first.kill();
    await first.exited;
    const second = await startPythonRegistry(port);
    cleanups.push(() => second.kill());
    expect((await second.next((e) => e.event === "added")).name).toBe("cam");
  });

  it("a Python server registers with our registry, and our client finds and calls it", async () => {
    const registry = await ourRegistry();
    const added = new Promise<string>((resolve) => registry.on("added", (_t, _a, name) => resolve(name)));
    const device = await startPythonDevice("tcp://127.0.0.1", ["--register", registry.url, "camera", "pycam"]);
    cleanups.push(() => device.kill());
    expect(await added).toBe("pycam");
    const found = await listDevices(registry.url);
    expect(found.pycam).toEqual({ type: "camera", addr: `tcp://127.0.0.1:${device.port}` });
    const client = await RPCClient.connect(found.pycam!.addr);
    cleanups.push(() => client.close());
    expect(client.name).toBe("pycam");
    expect(await client.call("add", [40])).toBe(42);
  });

  it("a Python client finds our device through our registry and calls it", async () => {
    const registry = await ourRegistry();
    await ourDevice(registry.url, "tscam");
    const py = await PythonCaller.connect(["--via-registry", registry.url, "tscam"]);
    cleanups.push(() => py.close());
    expect(await py.call("whoami")).toEqual({ ok: true, result: "typescript camera" });
  });

  it("our registry expires a Python device that died without unregistering", async () => {
    // 1 s before the first alive check too, so that the test need not wait for one.
    const registry = await ourRegistry({ registrationTimeout: 1 });
    const added = new Promise<string>((resolve) => registry.on("added", (_t, _a, name) => resolve(name)));
    const removed = new Promise<string>((resolve) => registry.on("removed", (_t, _a, name) => resolve(name)));
    const device = await startPythonDevice("tcp://127.0.0.1", [
      "--register",
      registry.url,
      "camera",
      "mortal",
      "--alive-timeout",
      "1",
    ]);
    await added;
    device.kill(); // SIGKILL: no UNREGISTER
    expect(await removed).toBe("mortal");
    expect(registry.getDevices()).toEqual({});
  });
});

describe.runIf(hasPyzmq())(`the demo camera with a Python camera client (${pythonRpcImpl})`, () => {
  it("implements the reference Camera interface: properties, notify signal, get_image, stop", async () => {
    const { createVirtualCamera } = await import("../src/demo/camera.js");
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { PYTHON } = await import("./helpers/python.js");
    const camera = createVirtualCamera("tcp://127.0.0.1");
    await camera.start();
    const serving = camera.serveForever();
    cleanups.push(() => camera.close());
    const file = join(mkdtempSync(join(tmpdir(), "plantrpc-cam-")), "plant.png");
    // Async spawn: the camera serves from this same process while Python runs.
    const { spawn } = await import("node:child_process");
    const child = spawn(PYTHON, [
      new URL("./peers/camera_client.py", import.meta.url).pathname,
      `tcp://127.0.0.1:${camera.port}`,
      file,
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code, stderr).toBe(0);
    const seen = JSON.parse(stdout);
    expect(seen.mode).toMatch(/VIDEO|STILL/);
    expect(seen.changes.length).toBeGreaterThan(0);
    expect(seen.info).toMatchObject({ format: "png", width: 640, height: 480 });
    expect(seen.resolution).toEqual([640, 480]);
    expect([...readFileSync(file).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await serving; // the Python client sent STOP_SERVER
  });
});

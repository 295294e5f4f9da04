/**
 * plantrpc in a real web page: Debian's Chromium, driven by playwright-core, loads the browser
 * bundle (dist/browser/plantrpc.js) and talks to a device of ours over ws://: methods, buffers,
 * properties, signals, and plain ZeroMQ sockets. Skipped, with the reason, without Chromium.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceRegistry, Gateway } from "../src/index.js";
import { Router } from "../src/zmq/index.js";
import { hasPyzmq } from "./helpers/python.js";
import { startPythonDevice } from "./helpers/python-rpc.js";
import { makeTsDevice } from "./helpers/ts-device.js";

/** The page's global, once its module script has run. */
type Page_ = { plantrpc: typeof import("../src/index.js") };

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BUNDLE = join(import.meta.dirname, "..", "dist", "browser", "plantrpc.js");
const available = existsSync(CHROMIUM) && existsSync(BUNDLE);
if (!available) {
  console.warn(
    `browser tests skipped: ${existsSync(CHROMIUM) ? `no ${BUNDLE} (npm run build)` : `no Chromium at ${CHROMIUM} (apt-get install chromium)`}`,
  );
}

/** Serves the bundle and an empty page, from 127.0.0.1. */
async function serveBundle(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    if (req.url === "/plantrpc.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(readFileSync(BUNDLE));
    } else {
      res
        .writeHead(200, { "Content-Type": "text/html" })
        .end(
          '<!doctype html><title>plantrpc</title><script type="module">' +
            'import * as plantrpc from "/plantrpc.js"; window.plantrpc = plantrpc;</script>',
        );
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe.skipIf(!available)(`in Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  let page: Page;
  let pageServer: http.Server;
  /** The page's origin: the one page that the device, the sockets and the gateway let in. */
  let origin: string;
  let device: ReturnType<typeof makeTsDevice>;

  beforeAll(async () => {
    const served = await serveBundle();
    pageServer = served.server;
    origin = new URL(served.url).origin;
    device = makeTsDevice("tcp://127.0.0.1", undefined, "ws://127.0.0.1:0/camera", { allowedOrigins: [origin] });
    await device.server.start();
    void device.server.serveForever();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(served.url);
    await page.waitForFunction(() => "plantrpc" in globalThis);
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    pageServer?.close();
    device?.server.close();
  });

  it("the RPC client calls methods and buffer methods, sets a property and sees its notify signal", async () => {
    const url = device.server.webEndpoints!.methods;
    const result = await page.evaluate(async (deviceUrl) => {
      const { RPCClient } = (globalThis as unknown as Page_).plantrpc;
      const client = await RPCClient.connect(deviceUrl);
      const sum = await client.call("add", [40]);
      const blob = await client.call<import("../src/index.js").BufferResult>("blob", [5000]);
      const notified = new Promise((resolve) => client.signal("exposure_changed").connect((v: unknown) => resolve(v)));
      await client.setProperty("exposure", 21);
      const signal = await notified;
      const exposure = await client.getProperty("exposure");
      client.close();
      return {
        sum,
        size: blob.buffer.length,
        first: blob.buffer[1],
        info: blob.info,
        signal,
        exposure,
        name: client.inventory.plantrpc?.web?.signals,
      };
    }, url);
    expect(result).toMatchObject({ sum: 42, size: 5000, first: 1, info: { size: 5000 }, signal: 21, exposure: 21 });
    expect(result.name).toMatch(/\/camera\/signals$/);
  });

  it("plain ZeroMQ sockets: a DEALER in the page and a ROUTER here, both ways", async () => {
    const router = new Router({ wsAllowedOrigins: origin });
    await router.bind("ws://127.0.0.1:0/zmq");
    try {
      const inPage = page.evaluate(async (endpoint) => {
        const { zmq } = (globalThis as unknown as Page_).plantrpc;
        const dealer = new zmq.Dealer({ routingId: "page" });
        dealer.connect(endpoint);
        await dealer.send(["hello from", "the page"]);
        const [reply] = await dealer.receive();
        dealer.close();
        return new TextDecoder().decode(reply);
      }, router.lastEndpoint!);
      const [id, ...frames] = await router.receive();
      expect(String(id)).toBe("page");
      expect(frames.map(String)).toEqual(["hello from", "the page"]);
      await router.send([id!, "hello from node"]);
      expect(await inPage).toBe("hello from node");
    } finally {
      router.close();
    }
  });

  it("inproc between the page and a Web Worker, both ways (one process-wide namespace, as libzmq's)", async () => {
    const result = await page.evaluate(async () => {
      const { zmq } = (globalThis as unknown as Page_).plantrpc;
      type WebWorker = { addEventListener(t: "message", f: (e: { data: unknown }) => void): void; terminate(): void };
      const page = globalThis as unknown as {
        location: { origin: string };
        Worker: new (url: string, options: { type: "module" }) => WebWorker;
        Blob: typeof Blob;
      };
      const code = `
        const { zmq } = await import("${page.location.origin}/plantrpc.js");
        const push = new zmq.Push();
        push.connect("inproc://from-worker");
        await push.send(["from", "worker"]);
        const rep = new zmq.Reply();
        await rep.bind("inproc://in-worker");
        const [m] = await rep.receive();
        await rep.send("re:" + new TextDecoder().decode(m));
        postMessage("done");`;
      const pull = new zmq.Pull();
      await pull.bind("inproc://from-worker");
      const req = new zmq.Request();
      req.connect("inproc://in-worker"); // before the worker binds: waits for it
      const worker = new page.Worker(URL.createObjectURL(new page.Blob([code], { type: "text/javascript" })), {
        type: "module",
      });
      const done = new Promise((r) => worker.addEventListener("message", (e) => r(e.data)));
      const got = (await pull.receive()).map((f) => new TextDecoder().decode(f));
      await req.send("ping");
      const reply = new TextDecoder().decode((await req.receive())[0]);
      const end = await done;
      worker.terminate();
      pull.close();
      req.close();
      return { got, reply, end };
    });
    expect(result).toEqual({ got: ["from", "worker"], reply: "re:ping", end: "done" });
  });

  it("refuses what a page cannot do, with typed errors", async () => {
    const errors = await page.evaluate(async () => {
      const { zmq } = (globalThis as unknown as Page_).plantrpc;
      const s = new zmq.Pull();
      const bind = await s.bind("ws://127.0.0.1:0").catch((e: { code: string }) => e.code);
      s.close();
      return { bind };
    });
    expect(errors).toEqual({ bind: "EPROTONOSUPPORT" });
  });

  it.runIf(hasPyzmq())("calls a Python device (tcp only) through the gateway, signals included", async () => {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    const registryUrl = `tcp://127.0.0.1:${registry.port}`;
    const device = await startPythonDevice("tcp://127.0.0.1", ["--register", registryUrl, "camera", "py-camera"]);
    const token = "browser-test-token";
    const gateway = new Gateway({
      registry: registryUrl,
      listen: "ws://127.0.0.1:0",
      pollInterval: 50,
      access: { allowedOrigins: [origin], token },
    });
    const added = new Promise<void>((resolve) => gateway.on((e) => e.event === "added" && resolve()));
    try {
      await gateway.start();
      await added;
      const result = await page.evaluate(async (url) => {
        const { RPCClient } = (globalThis as unknown as Page_).plantrpc;
        const client = await RPCClient.connect(url);
        const ticked = new Promise((resolve) => client.signal("tick").connect((n: unknown) => resolve(n)));
        const sum = await client.call("add", [40]);
        await client.call("emit_tick", [9]);
        const tick = await ticked;
        client.close();
        return { sum, tick };
      }, `${gateway.base}/py-camera?token=${token}`);
      expect(result).toEqual({ sum: 42, tick: 9 });
    } finally {
      await gateway.stop();
      device.kill();
      await registry.stop();
    }
  });

  it("saves a screenshot", async () => {
    const dir = join(import.meta.dirname, "..", "test-artifacts");
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, "browser-page.png") });
    expect(existsSync(join(dir, "browser-page.png"))).toBe(true);
  });
});

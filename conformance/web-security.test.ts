/**
 * The web surfaces against a hostile web, in a real browser (Debian's Chromium through
 * playwright-core): a page from another origin cannot use the dashboard's gateway, even with the
 * token; a device whose names and values are HTML and script only ever shows text in the
 * dashboard, under its Content-Security-Policy. Skipped, with the reason, without Chromium.
 */
import { existsSync, readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVirtualCamera } from "../src/demo/camera.js";
import { DeviceRegistry, RPCServer, RPCSignal, registerToRegistry } from "../src/index.js";
import { Dashboard } from "../src/web/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DIST = join(import.meta.dirname, "..", "dist", "browser");
const available = existsSync(CHROMIUM) && existsSync(join(DIST, "dashboard.js"));
if (!available) console.warn(`web security tests skipped: no Chromium at ${CHROMIUM} or no build in ${DIST}`);

/** The little of the DOM the checks read (the tests are type-checked without the DOM's types). */
interface PageDocument {
  querySelectorAll(selector: string): Iterable<{
    attributes: Iterable<{ name: string }>;
    getAttribute(name: string): string | null;
  }>;
}

/** What a hostile device puts where the dashboard shows names and values. */
const XSS = {
  name: '<img src=x onerror="window.__pwned=1">',
  property: "<b onmouseover=alert(1)>exposure</b>",
  method: '"><svg onload="window.__pwned=2">',
  buffer: "<script>window.__pwned=3</script>",
  signal: "<iframe src=javascript:alert(4)>",
  value: '<img src=x onerror="window.__pwned=5">',
};

function hostileDevice(): RPCServer {
  const server = new RPCServer({ url: "tcp://127.0.0.1" });
  const signal = server.registerSignal(XSS.signal, new RPCSignal<[string]>(String));
  let value = XSS.value;
  server.registerProperty(XSS.property, {
    get: () => value,
    set: (v: string) => {
      value = v;
    },
  });
  server.registerMethodJson(XSS.method, () => {
    signal.emit(XSS.value);
    return { html: XSS.value, "<key onclick=x>": 1 };
  });
  const png = readFileSync(join(import.meta.dirname, "..", "docs", "dashboard.png"));
  server.registerMethodBuffer(XSS.buffer, () => [png, { note: XSS.value }]);
  return server;
}

describe.skipIf(!available)("the web surfaces against a hostile web, in Chromium", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  let foreign: http.Server;
  let foreignUrl: string;
  const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
  const camera = createVirtualCamera("tcp://127.0.0.1");
  const hostile = hostileDevice();

  beforeAll(async () => {
    await registry.start();
    const registryUrl = `tcp://127.0.0.1:${registry.port}`;
    await registerToRegistry(camera, "camera", "demo-camera", registryUrl);
    void camera.serveForever();
    await registerToRegistry(hostile, "camera", XSS.name, registryUrl);
    void hostile.serveForever();
    dashboard = new Dashboard({ registry: registryUrl, port: 0, script: readFileSync(join(DIST, "dashboard.js")) });
    await dashboard.start();
    // Another origin of this same machine: another port of 127.0.0.1, serving the browser build.
    foreign = http.createServer((req, res) => {
      if (req.url === "/plantrpc.js") {
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(readFileSync(join(DIST, "plantrpc.js")));
        return;
      }
      res
        .writeHead(200, { "Content-Type": "text/html" })
        .end('<!doctype html><script type="module">import * as p from "/plantrpc.js"; window.plantrpc = p;</script>');
    });
    await new Promise<void>((r) => foreign.listen(0, "127.0.0.1", r));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    foreign?.close();
    await dashboard?.stop();
    camera.close();
    hostile.close();
    await registry.stop();
  });

  it("a page of another origin cannot reach the gateway, even with the token; the dashboard can", async () => {
    const page = await browser.newPage();
    await page.goto(foreignUrl);
    await page.waitForFunction(() => "plantrpc" in globalThis);
    const base = `${dashboard.gateway.base}`;
    const outcome = await page.evaluate(
      async ({ base, token }) => {
        const { RPCClient, listDevices } = (globalThis as unknown as { plantrpc: typeof import("../src/index.js") })
          .plantrpc;
        const list = await listDevices(`${base}/registry?token=${token}`, { timeout: 1500 }).then(
          (d) => `listed ${Object.keys(d).length}`,
          (e: Error) => e.name,
        );
        const call = await RPCClient.connect(`${base}/demo-camera?token=${token}`, { timeout: 1500 }).then(
          () => "connected",
          (e: Error) => e.name,
        );
        return { list, call };
      },
      { base, token: dashboard.token! },
    );
    expect(outcome).toEqual({ list: "RpcTimeoutError", call: "RpcTimeoutError" });
    await page.close();

    const own = await browser.newPage();
    await own.goto(dashboard.url!);
    await own.locator('section[data-device="demo-camera"] [data-property="mode"]').waitFor({ timeout: 10000 });
    await own.close();
  });

  it("shows a hostile device's names and values as text: no script runs, no element is injected", async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(dashboard.url!);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    const card = page.locator("section.device").filter({ hasText: "onerror" });
    await card.waitFor({ timeout: 10000 });
    expect(await card.locator("h2").textContent()).toBe(XSS.name);
    const value = card.locator("td.value");
    await expect.poll(() => value.textContent(), { timeout: 10000 }).toBe(JSON.stringify(XSS.value));

    await card.locator("button", { hasText: "Call" }).first().click(); // the JSON method: emits the signal
    const signals = card.locator("[data-signals]");
    await expect.poll(() => signals.textContent(), { timeout: 10000 }).toContain(XSS.signal);
    expect(await signals.textContent()).toContain(JSON.stringify([XSS.value]));
    await card.locator("button", { hasText: "Call" }).last().click(); // the buffer method: a PNG, info as text
    await card.locator("img.frame").waitFor({ timeout: 10000 });
    const result = await card.locator(".result").last().textContent();
    expect(result).toContain(JSON.stringify({ note: XSS.value }));
    await card.locator("input[placeholder^='new value']").fill(JSON.stringify(`${XSS.value}!`));
    await card.locator("button", { hasText: "Set" }).click();
    await expect.poll(() => value.textContent(), { timeout: 10000 }).toBe(JSON.stringify(`${XSS.value}!`));

    const dom = await page.evaluate(() => {
      const { document, __pwned } = globalThis as unknown as { document: PageDocument; __pwned?: number };
      const all = (selector: string) => [...document.querySelectorAll(selector)];
      return {
        pwned: __pwned,
        scripts: all("script").length,
        injected: all("svg, iframe, b, img:not(.frame)").length,
        imageSources: all("img").map((i) => i.getAttribute("src")?.split(":")[0]),
        handlers: all("*").filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
      };
    });
    expect(dom).toEqual({ pwned: undefined, scripts: 1, injected: 0, imageSources: ["blob"], handlers: 0 });
    expect(dialogs).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });
});

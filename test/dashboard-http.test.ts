/**
 * The dashboard's HTTP server: Jupyter's rules. The token in the URL it prints, 401/403 without
 * it; 403 to a Host that is not this machine's (DNS rebinding); a strict policy on every answer;
 * a page with no inline script or style; its gateway lets in the dashboard's own page only.
 */
import * as http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { DeviceRegistry } from "../src/index.js";
import { Dashboard } from "../src/web/index.js";
import { RawWs } from "./helpers/raw-ws.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SCRIPT = new TextEncoder().encode("/* the page's script */");

async function start(options: Partial<ConstructorParameters<typeof Dashboard>[0]> = {}) {
  const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
  await registry.start();
  cleanups.push(() => registry.stop());
  const dashboard = new Dashboard({
    registry: `tcp://127.0.0.1:${registry.port}`,
    port: 0,
    script: SCRIPT,
    ...options,
  });
  await dashboard.start();
  cleanups.push(() => dashboard.stop());
  return dashboard;
}

/** Sends `request` as it is; resolves with what came back before the server closed or 2 s passed. */
async function rawRequest(port: number, request: string): Promise<string> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.end(request));
    let reply = "";
    socket.on("data", (d) => (reply += d));
    socket.on("error", () => {});
    socket.on("close", () => resolve(reply));
    setTimeout(() => socket.destroy(), 2000);
  });
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

describe("the dashboard over HTTP", () => {
  it("makes up a token and prints it in its URL; without it 401, with a wrong one 403", async () => {
    const dashboard = await start();
    expect(dashboard.token).toMatch(/^[\w-]{32}$/);
    expect(dashboard.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${dashboard.token}$`));
    const base = dashboard.url!.replace(/\?.*$/, "");
    const missing = await get(base);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatch(/token is required/);
    expect((await get(`${base}?token=not-the-token`)).status).toBe(403);
    expect((await get(`${base}dashboard.js`)).status).toBe(401);
    expect((await get(base, { Authorization: `token ${dashboard.token}` })).status).toBe(200);
  });

  it("serves a strict page: its own script and style only, connections to the gateway only, no framing, no referrer", async () => {
    const dashboard = await start({ token: "a-given-token" });
    const page = await get(dashboard.url!);
    expect(page.status).toBe(200);
    const gatewayPort = new URL(dashboard.gateway.base!).port;
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain(`connect-src ws://127.0.0.1:${gatewayPort}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    // No inline script or style: every script has a src, and there is no <style> or style="".
    const scripts = [...page.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toEqual(['<script type="module" src="/dashboard.js?token=a-given-token">']);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son\w+=/);
    const script = await get(`${dashboard.url!.replace(/\/\?.*/, "")}/dashboard.js?token=a-given-token`);
    expect([script.status, script.headers["content-type"], script.body]).toEqual([
      200,
      "text/javascript; charset=utf-8",
      "/* the page's script */",
    ]);
  });

  it("escapes a token that is not URL-safe where it puts it in the page", async () => {
    const dashboard = await start({ token: 'tok"en<&>' });
    const page = await get(`${dashboard.url}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('content="tok&#34;en&#60;&#38;&#62;"');
    expect(page.body).toContain("dashboard.js?token=tok%22en%3C%26%3E");
  });

  it("answers 403 to a Host that is not one of this machine's names (DNS rebinding)", async () => {
    const dashboard = await start();
    const url = new URL(dashboard.url!);
    const rebound = await get(dashboard.url!, { Host: `rebind.example:${url.port}` });
    expect(rebound.status).toBe(403);
    expect((await get(dashboard.url!, { Host: `localhost:${url.port}` })).status).toBe(200);
    // Another origin to the browser, which the page's policy does not name: refused, not broken.
    expect((await get(dashboard.url!, { Host: `localhost.:${url.port}` })).status).toBe(403);
    const allowed = await start({ allowedHosts: ["imager.lab"] });
    const port = new URL(allowed.url!).port;
    expect((await get(allowed.url!, { Host: `imager.lab:${port}` })).status).toBe(200);
  });

  it("lets its own page's origin into its gateway, and no other", async () => {
    const dashboard = await start();
    const port = new URL(dashboard.url!).port;
    const route = `${dashboard.gateway.base}/registry?token=${dashboard.token}`;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const own = await RawWs.open(route, "ZWS2.0", { Origin: origin });
      expect(own.status).toBe(101);
      own.ws.destroy();
    }
    for (const origin of ["http://evil.example", `http://127.0.0.1:${Number(port) + 1}`]) {
      expect((await RawWs.open(route, "ZWS2.0", { Origin: origin })).status).toBe(403);
    }
    expect((await RawWs.open(route.replace(/\?.*/, ""), "ZWS2.0", { Origin: `http://127.0.0.1:${port}` })).status).toBe(
      401,
    );
  });

  it("answers 400 to a request target that is no URL, and goes on serving", async () => {
    const dashboard = await start();
    const { port } = new URL(dashboard.url!);
    for (const target of ["//[", "//%", "//a:99999/"]) {
      const reply = await rawRequest(Number(port), `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
    }
    expect((await get(dashboard.url!)).status).toBe(200);
  });

  it("with noToken on loopback, serves without one", async () => {
    const dashboard = await start({ noToken: true });
    expect(dashboard.url).toMatch(/\/$/);
    expect((await get(dashboard.url!)).status).toBe(200);
  });
});

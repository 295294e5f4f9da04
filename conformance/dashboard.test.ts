/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): it lists the demo
 * camera from the registry, sets a property and sees the notify signal update the page, calls
 * get_image and shows the PNG. Saves a screenshot in test-artifacts/. Skipped, with the reason,
 * without Chromium.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVirtualCamera } from "../src/demo/camera.js";
import { DeviceRegistry, registerToRegistry } from "../src/index.js";
import { Dashboard } from "../src/web/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BUNDLE = join(import.meta.dirname, "..", "dist", "browser", "dashboard.js");
const available = existsSync(CHROMIUM) && existsSync(BUNDLE);
if (!available) console.warn(`dashboard test skipped: no Chromium at ${CHROMIUM} or no ${BUNDLE}`);

describe.skipIf(!available)("plantrpc web (the dashboard) in Chromium", () => {
  let browser: Browser;
  let dashboard: Dashboard;
  const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
  const camera = createVirtualCamera("tcp://127.0.0.1");

  beforeAll(async () => {
    await registry.start();
    await registerToRegistry(camera, "camera", "demo-camera", `tcp://127.0.0.1:${registry.port}`);
    void camera.serveForever();
    dashboard = new Dashboard({ registry: `tcp://127.0.0.1:${registry.port}`, port: 0, script: readFileSync(BUNDLE) });
    await dashboard.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    camera.close();
    await registry.stop();
  });

  it("shows the camera, follows a property through its signal, and shows an image", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(dashboard.url!);
    const card = page.locator('section[data-device="demo-camera"]');
    await card.waitFor({ timeout: 10000 });
    const mode = card.locator('[data-property="mode"]');
    await expect.poll(() => mode.textContent(), { timeout: 10000 }).toBe('"STILL"');

    await card.locator('[data-set="mode"]').fill('"VIDEO"');
    await card.getByRole("button", { name: "Set" }).first().click();
    const signals = card.locator("[data-signals]");
    await expect.poll(() => signals.textContent(), { timeout: 10000 }).toContain('modeChanged ["VIDEO"]');
    await expect.poll(() => mode.textContent(), { timeout: 10000 }).toBe('"VIDEO"');

    await card.locator('[data-call="get_image"]').click();
    const image = card.locator("img.frame");
    await image.waitFor({ timeout: 10000 });
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    expect(await card.locator('[data-result="get_image"]').textContent()).toMatch(/"format":"png"/);

    const dir = join(import.meta.dirname, "..", "test-artifacts");
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, "dashboard.png"), fullPage: true });
    expect(errors).toEqual([]);
  });
});

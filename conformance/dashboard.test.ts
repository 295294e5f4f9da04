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
    const image = card.locator('[data-result="get_image"] img.frame');
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

  it("shows the camera's preview live, and a scan's progress bar whose Cancel stops the device's work", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1100 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(dashboard.url!);
    const card = page.locator('section[data-device="demo-camera"]');
    await card.waitFor({ timeout: 10000 });

    // The preview: frames keep coming (their number grows) until Stop.
    await card.locator('[data-args="preview"]').fill("[10]");
    await card.locator('[data-start="preview"]').click();
    const preview = card.locator('[data-result="preview"]');
    const frameNumber = async () => Number(/^#(\d+)/.exec((await preview.textContent()) ?? "")?.[1] ?? 0);
    await expect.poll(frameNumber, { timeout: 10000 }).toBeGreaterThanOrEqual(3);
    const image = card.locator('[data-stream-image="preview"]');
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    await card.locator('[data-stop="preview"]').click();
    const stoppedAt = await frameNumber();
    await expect.poll(async () => (await frameNumber()) - stoppedAt, { timeout: 2000 }).toBeLessThanOrEqual(1);

    // The scan: 40 positions of 250 ms (10 s); its bar moves; Cancel stops it on the device.
    const calls = (camera as unknown as { calls: { size: number } }).calls;
    await card.locator('[data-args="scan"]').fill("[40, 250]");
    await card.locator('[data-call="scan"]').click();
    const bar = card.locator('[data-progress="scan"]');
    await expect
      .poll(() => bar.evaluate((b) => (b as unknown as { value: number }).value), { timeout: 10000 })
      .toBeGreaterThan(0);
    expect(calls.size).toBe(1);
    const dir = join(import.meta.dirname, "..", "test-artifacts");
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, "dashboard-scan.png"), fullPage: true });
    await card.locator('[data-cancel="scan"]').click();
    await expect.poll(() => card.locator('[data-result="scan"]').textContent(), { timeout: 5000 }).toBe("cancelled");
    // The device's handler ended (its call is no longer held), long before the scan's 10 s.
    await expect.poll(() => calls.size, { timeout: 5000 }).toBe(0);
    expect(errors).toEqual([]);
  });
});

/**
 * `plantrpc check` against devices of every kind: ours, the Python peer (minirpc, or the real
 * reference when PLANTIMAGER_COMMONS_PATH is set), and a deliberately broken one whose every
 * defect must be reported. The checks are the conformance suite's definition of a conformant
 * device, applied to each.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type CheckReport, checkDevice } from "../src/check/index.js";
import { createVirtualCamera } from "../src/demo/camera.js";
import { DeviceRegistry, registerToRegistry } from "../src/index.js";
import { curveKeyPair } from "../src/zmq/index.js";
import { startBrokenDevice } from "./helpers/broken-device.js";
import { hasPyzmq } from "./helpers/python.js";
import { pythonRpcImpl, startPythonDevice } from "./helpers/python-rpc.js";
import { makeTsDevice } from "./helpers/ts-device.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const statusOf = (report: CheckReport) => Object.fromEntries(report.results.map((r) => [r.id, r.status]));

describe("plantrpc check", () => {
  it("checks a CURVE device given its public key; without it, nothing answers", async () => {
    const keys = curveKeyPair();
    const { server } = makeTsDevice("tcp://127.0.0.1", keys);
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const url = `tcp://127.0.0.1:${server.port}`;
    const plain = await checkDevice(url, { timeout: 300 });
    expect(statusOf(plain).inventory).toBe("fail");
    // What the handshake said is in the report: here, only the device uses CURVE.
    expect(plain.results.find((r) => r.id === "inventory")?.reason).toMatch(
      /^no answer within 300 ms: the handshake failed: the device's security is not ours/,
    );
    const wrongKey = await checkDevice(url, { timeout: 300, curve: { serverKey: curveKeyPair().publicKey } });
    expect(wrongKey.results.find((r) => r.id === "inventory")?.reason).toBe(
      "no answer within 300 ms: the device ended the connection during the CURVE handshake (is serverKey the device's public key?)",
    );
    const secured = await checkDevice(url, { curve: { serverKey: keys.publicKey }, destructive: true });
    expect(statusOf(secured)).toMatchObject({
      inventory: "pass",
      "signals-once": "pass",
      "properties-set": "pass",
      "stop-server": "pass",
    });
  });

  it("our device passes every check but the property it breaks on purpose, destructive ones included", async () => {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    cleanups.push(() => registry.stop());
    const registryUrl = `tcp://127.0.0.1:${registry.port}`;
    const { server } = makeTsDevice();
    await registerToRegistry(server, "camera", "checked", registryUrl);
    void server.serveForever();
    cleanups.push(() => server.close());
    const url = `tcp://127.0.0.1:${server.port}`;

    // The test device's "broken" property throws on purpose: the one failure expected.
    const failures = (report: CheckReport) => report.results.filter((r) => r.status === "fail");
    const gentle = await checkDevice(url, { registry: registryUrl });
    expect(failures(gentle).map((r) => [r.id, r.reason.split(":")[0]])).toEqual([["properties-read", "broken"]]);
    expect(statusOf(gentle)).toMatchObject({ inventory: "pass", registry: "pass", "stop-server": "skip" });

    const full = await checkDevice(url, { destructive: true, registry: registryUrl });
    expect(failures(full).map((r) => r.id)).toEqual(["properties-read"]);
    expect(full.results.find((r) => r.id === "properties-set")?.reason).toMatch(
      /notified once: exposure by exposure_changed/,
    );
    expect(statusOf(full)).toMatchObject({
      "signals-once": "pass",
      "properties-set": "pass",
      "malformed-request": "pass",
      "buffer-frames": "skip", // its buffer methods all need arguments
      "stop-server": "pass",
    });
  });

  it.runIf(hasPyzmq())(`the Python ${pythonRpcImpl} device: conformant, its known defects named`, async () => {
    const device = await startPythonDevice();
    cleanups.push(() => device.kill());
    const report = await checkDevice(device.url, { destructive: true, referenceCompatible: true, timeout: 1000 });
    expect(report.results.filter((r) => r.status === "fail")).toEqual([]);
    expect(statusOf(report)["malformed-request"]).toBe("known");
    if (pythonRpcImpl === "reference") expect(statusOf(report)["signals-once"]).toBe("known");
    // Without --reference-compatible the same defects are failures.
    const second = await startPythonDevice();
    cleanups.push(() => second.kill());
    const strict = await checkDevice(second.url, { destructive: true });
    expect(statusOf(strict)["malformed-request"]).toBe("fail");
  });

  it("checks the call extension on a device that announces it (the demo camera's preview stream)", async () => {
    const camera = createVirtualCamera("tcp://127.0.0.1");
    await camera.start();
    void camera.serveForever();
    cleanups.push(() => camera.close());
    const url = `tcp://127.0.0.1:${camera.port}`;
    const gentle = await checkDevice(url);
    expect(statusOf(gentle)).toMatchObject({
      "call-extension": "pass",
      "stream-refused": "pass",
      "cancel-unknown": "pass",
      "stream-window": "skip",
    });
    const full = await checkDevice(url, { destructive: true });
    expect(full.results.filter((r) => r.status === "fail")).toEqual([]);
    expect(full.results.find((r) => r.id === "stream-window")?.reason).toMatch(
      /2 items, then quiet until credit; CANCEL ended it/,
    );
  });

  it("a device that sends past its window, or announces the extension wrongly, fails those checks", async () => {
    const device = await startBrokenDevice({ streams: true });
    cleanups.push(() => device.close());
    const report = await checkDevice(device.url, { timeout: 500, destructive: true });
    const failed = Object.fromEntries(report.results.filter((r) => r.status === "fail").map((r) => [r.id, r.reason]));
    expect(failed["call-extension"]).toMatch(/unknown features \["teleport"\]/);
    expect(failed["stream-window"]).toMatch(/more items than the window/);
  });

  it("reports every defect of a broken device", async () => {
    const device = await startBrokenDevice();
    cleanups.push(() => device.close());
    const report = await checkDevice(device.url, { timeout: 500 });
    const failed = Object.fromEntries(report.results.filter((r) => r.status === "fail").map((r) => [r.id, r.reason]));
    expect(failed.inventory).toMatch(/name missing/);
    expect(failed["properties-read"]).toMatch(/level/);
    expect(failed["methods-answer"]).toMatch(/hang: no answer/);
    expect(failed["signals-once"]).toMatch(/arrived twice/);
    expect(failed["reply-keys"]).toMatch(/PROPERTY_GET: keys \{value\}/);
    expect(report.ok).toBe(false);
  });
});

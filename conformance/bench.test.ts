/**
 * `plantrpc bench` (benchDevice) against our device and the Python peer: figures that add up,
 * signals counted, and the note that a REP device does not gain from calls in flight.
 */
import { afterEach, describe, expect, it } from "vitest";
import { benchDevice } from "../src/bench/index.js";
import { hasPyzmq } from "./helpers/python.js";
import { startPythonDevice } from "./helpers/python-rpc.js";
import { makeTsDevice } from "./helpers/ts-device.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("plantrpc bench", () => {
  it("our device: pipelined calls, buffers and signals", async () => {
    const { server } = makeTsDevice();
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const url = `tcp://127.0.0.1:${server.port}`;
    const calls = await benchDevice(url, { method: "add", args: [1], inFlight: 8, duration: 0.5 });
    expect(calls.failures).toBe(0);
    expect(calls.calls).toBeGreaterThan(50);
    expect(calls.notes).toEqual([]);
    const buffers = await benchDevice(url, { bufferMethod: "blob", args: [65536], duration: 0.3 });
    expect(buffers.bufferBytes).toBe(buffers.calls * 65536);
    const signals = await benchDevice(url, { method: "emit_ticks", args: [100], signal: "tick", duration: 0.5 });
    expect(signals.signals).toBeGreaterThan(0);
    expect(signals.signals).toBeLessThanOrEqual(signals.calls * 100);
  });

  it.runIf(hasPyzmq())("the Python device: served one request at a time, and the report says so", async () => {
    const device = await startPythonDevice();
    cleanups.push(() => device.kill());
    const report = await benchDevice(device.url, { method: "add", args: [1], inFlight: 4, duration: 0.5 });
    expect(report.failures).toBe(0);
    expect(report.calls).toBeGreaterThan(10);
    expect(report.notes.join()).toMatch(/one request at a time/);
    const signals = await benchDevice(device.url, { method: "emit_ticks", args: [50], signal: "tick", duration: 0.5 });
    expect(signals.signals).toBeGreaterThan(0);
  });
});

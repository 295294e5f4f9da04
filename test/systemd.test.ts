import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { notifySystemd } from "../src/index.js";

const saved = { NOTIFY_SOCKET: process.env.NOTIFY_SOCKET, PATH: process.env.PATH };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("systemd notification", () => {
  it("does nothing outside systemd", async () => {
    delete process.env.NOTIFY_SOCKET;
    expect(await notifySystemd("READY=1")).toBe(false);
  });

  it("hands READY=1, WATCHDOG=1 and STOPPING=1 to systemd-notify with our pid", async () => {
    // A stand-in systemd-notify that records its arguments.
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-sd-"));
    const log = join(dir, "calls");
    writeFileSync(join(dir, "systemd-notify"), `#!/bin/sh\necho "$NOTIFY_SOCKET $*" >> "${log}"\n`);
    chmodSync(join(dir, "systemd-notify"), 0o755);
    process.env.PATH = `${dir}:${process.env.PATH}`;
    process.env.NOTIFY_SOCKET = "/run/test/notify";
    for (const state of ["READY=1", "WATCHDOG=1", "STOPPING=1"] as const) expect(await notifySystemd(state)).toBe(true);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      `/run/test/notify --pid=${process.pid} READY=1`,
      `/run/test/notify --pid=${process.pid} WATCHDOG=1`,
      `/run/test/notify --pid=${process.pid} STOPPING=1`,
    ]);
  });

  it("reports false when systemd-notify is missing", async () => {
    process.env.PATH = mkdtempSync(join(tmpdir(), "plantrpc-empty-"));
    process.env.NOTIFY_SOCKET = "/run/test/notify";
    expect(await notifySystemd("READY=1")).toBe(false);
  });
});

/**
 * `npm run soak`, briefly: the whole run (registry, devices, the Python one when pyzmq is there,
 * faults from a seed) in 25 seconds, judged by its own exit code, with its report and chart.
 * The long runs are not part of the suite: benchmarks/README.md records one.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasPyzmq } from "./helpers/python.js";

/** Runs the soak script with `args`, expects its verdict (no violation, exit 0), and returns its report. */
async function soak(args: string[], out: string): Promise<any> {
  const child = spawn(process.execPath, ["scripts/soak.mjs", ...args, "--out", out], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  expect(output).toMatch(/no violation/);
  expect(code).toBe(0);
  const day = new Date().toISOString().slice(0, 10);
  return JSON.parse(readFileSync(join(out, `soak-${day}.json`), "utf8"));
}

describe("the soak run", () => {
  it("runs a short seeded schedule of faults and reports every call, with no violation", async () => {
    const out = mkdtempSync(join(tmpdir(), "plantrpc-soak-"));
    try {
      const report = await soak(["--seconds", "25", "--seed", "7"], out);
      expect(report.seed).toBe(7);
      expect(report.calls.answered).toBeGreaterThan(1000);
      expect(report.faults.length).toBeGreaterThanOrEqual(2);
      expect(report.violations).toEqual([]);
      expect(report.signals.received).toBeGreaterThan(0);
      const names = report.processes.map((p: { name: string }) => p.name);
      expect(names).toContain("ts-device-0");
      if (hasPyzmq()) expect(names).toContain("python-device");
      expect(readFileSync(join(out, "soak-latest.svg"), "utf8")).toMatch(/^<svg[\s\S]*soak run[\s\S]*<\/svg>/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);

  it("runs it over CURVE too (devices admitting only the driver's key): no violation", async () => {
    const out = mkdtempSync(join(tmpdir(), "plantrpc-soak-curve-"));
    try {
      const report = await soak(["--seconds", "15", "--seed", "11", "--curve"], out);
      expect(report.security).toBe("CURVE (allowKeys)");
      expect(report.calls.answered).toBeGreaterThan(1000);
      expect(report.violations).toEqual([]);
      expect(report.signals.received).toBeGreaterThan(0);
      expect(report.processes.map((p: { name: string }) => p.name)).not.toContain("python-device");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);
});

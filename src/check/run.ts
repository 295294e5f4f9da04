import { CHECKS, type CheckOptions, type Context } from "./checks.js";
import { type CheckResult, skip } from "./outcome.js";
import { Probe } from "./probe.js";

export interface CheckReport {
  url: string;
  results: CheckResult[];
  summary: { passed: number; failed: number; skipped: number; known: number };
  /** True when every check that ran passed (known reference defects included, when allowed). */
  ok: boolean;
}

/** Runs every check against the device at `url` (see CHECKS); never throws for a device's fault. */
export async function checkDevice(
  url: string,
  options: CheckOptions & { timeout?: number } = {},
): Promise<CheckReport> {
  const probe = new Probe(url, options.timeout ?? 2000, options.curve);
  const ctx: Context = { probe, options };
  const results: CheckResult[] = [];
  try {
    for (const check of CHECKS) {
      let outcome =
        check.destructive && !options.destructive
          ? skip("destructive: runs with --destructive")
          : ctx.gone
            ? skip(ctx.gone)
            : undefined;
      if (!outcome) {
        try {
          outcome = await check.run(ctx);
        } catch (e) {
          outcome = { status: "fail", reason: `the check itself failed: ${(e as Error).message}` };
        }
      }
      results.push({ id: check.id, title: check.title, ...outcome });
    }
  } finally {
    probe.close();
  }
  const count = (s: string) => results.filter((r) => r.status === s).length;
  const summary = { passed: count("pass"), failed: count("fail"), skipped: count("skip"), known: count("known") };
  return { url, results, summary, ok: summary.failed === 0 };
}

/** The report as a table, then a summary line. */
export function formatReport(report: CheckReport): string {
  const mark = { pass: "ok  ", fail: "FAIL", skip: "skip", known: "KNOWN" } as const;
  const width = Math.max(...report.results.map((r) => r.id.length));
  const lines = report.results.map((r) => `${mark[r.status].padEnd(5)} ${r.id.padEnd(width)}  ${r.reason}`);
  const { passed, failed, skipped, known } = report.summary;
  lines.push(
    "",
    `${report.url}: ${passed} passed, ${failed} failed, ${skipped} skipped, ${known} known reference defects`,
  );
  return lines.join("\n");
}

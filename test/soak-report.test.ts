import { describe, expect, it } from "vitest";
import type { CallRecord } from "../benchmarks/soak/load.js";
import { type AppliedFault, causeOf, judge, rssGrowth, SoakTally } from "../benchmarks/soak/report.js";
import { faultSchedule } from "../benchmarks/soak/schedule.js";

const call = (over: Partial<CallRecord>): CallRecord => ({
  device: 0,
  start: 0,
  end: 10,
  outcome: "answered",
  ...over,
});

describe("the soak run's schedule", () => {
  it("is the same for the same seed, one fault at a time, kills only where a restart is possible", () => {
    const a = faultSchedule(42, 600_000, [true, false]);
    expect(faultSchedule(42, 600_000, [true, false])).toEqual(a);
    expect(faultSchedule(43, 600_000, [true, false])).not.toEqual(a);
    expect(a.length).toBeGreaterThan(40);
    for (let i = 1; i < a.length; i++)
      expect(a[i]!.at).toBeGreaterThanOrEqual(a[i - 1]!.at + a[i - 1]!.durationMs + 3000);
    expect(a.filter((e) => e.kind === "kill").every((e) => e.target === 0)).toBe(true);
    expect(new Set(a.map((e) => e.kind)).size).toBe(8);
  });
});

describe("the soak run's judgement", () => {
  const fault = (over: Partial<AppliedFault>): AppliedFault => ({
    at: 1000,
    healedAt: 3000,
    target: 0,
    kind: "stall",
    durationMs: 2000,
    ...over,
  });

  it("puts a failure down to the fault on its device that was active or just healed", () => {
    const faults = [fault({ kind: "cut", at: 100, healedAt: 100 }), fault({})];
    expect(causeOf(faults, call({ start: 2500, end: 4500, outcome: "timedOut" }), 2000)).toBe("stall");
    expect(causeOf(faults, call({ start: 4000, end: 4200, outcome: "lost" }), 2000)).toBe("stall");
    expect(causeOf(faults, call({ start: 9000, end: 9500, outcome: "lost" }), 2000)).toBe("none");
    expect(causeOf(faults, call({ device: 1, start: 2500, end: 4500, outcome: "lost" }), 2000)).toBe("none");
  });

  it("counts a call that settled past its timeout as hung, and fails on wrong answers and duplicates", () => {
    const tally = new SoakTally(1000, 2000, 500);
    tally.record(call({ start: 0, end: 2400, outcome: "timedOut" }), "stall");
    expect(tally.hung).toBe(0);
    tally.record(call({ start: 0, end: 2600, outcome: "timedOut" }), "stall");
    expect(tally.hung).toBe(1);
    tally.record(call({ outcome: "wrong" }), "none");
    expect(tally.byCause.stall).toEqual({ timedOut: 2 });
    expect(tally.buckets[2]!.timedOut).toBe(2);
    const { violations } = judge(tally, 3, 1, {}, 60);
    expect(violations).toHaveLength(4);
    expect(judge(new SoakTally(1000, 2000), 0, 0, {}, 60).violations).toEqual([]);
  });

  it("fails memory that keeps growing, not memory that levels off, and not a short run", () => {
    const steady = Array.from({ length: 600 }, (_, i) => 80 + Math.min(i, 60) / 2 + (i % 7));
    const leaking = Array.from({ length: 600 }, (_, i) => 80 + i / 2);
    expect(rssGrowth(steady, 600).grew).toBe(false);
    expect(rssGrowth(leaking, 600).grew).toBe(true);
    expect(rssGrowth(leaking.slice(0, 100), 100).grew).toBe(false);
    expect(judge(new SoakTally(1000, 2000), 0, 0, { device: leaking }, 600).violations[0]).toMatch(/device: RSS grew/);
  });
});

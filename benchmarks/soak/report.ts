// What the soak run counts, and how it is judged: calls by outcome and by the fault that caused
// them, per time bucket; memory per process; the violations that make the run fail.
import type { CallRecord, Outcome } from "./load.js";
import type { FaultEvent } from "./schedule.js";

export interface Bucket {
  /** Seconds from the start of the run (the bucket's start). */
  t: number;
  answered: number;
  timedOut: number;
  lost: number;
  failed: number;
  wrong: number;
  signalsReceived: number;
  signalsEmitted: number;
  reconnections: number;
  /** Resident memory per process, MiB, at the bucket's last sample. */
  rssMiB: Record<string, number>;
  heapMiB: Record<string, number>;
  registered?: number;
}

/** A fault as it happened: when it began and when it was healed (ms from the start). */
export interface AppliedFault extends FaultEvent {
  healedAt: number;
}

const emptyBucket = (t: number): Bucket => ({
  t,
  answered: 0,
  timedOut: 0,
  lost: 0,
  failed: 0,
  wrong: 0,
  signalsReceived: 0,
  signalsEmitted: 0,
  reconnections: 0,
  rssMiB: {},
  heapMiB: {},
});

/**
 * The fault a failed call is put down to: the latest one on its device that began before the
 * call ended and had not been healed for long (a connection cut by a fault is noticed some time
 * after). "none" when no fault fits: those are the failures worth a look.
 */
export function causeOf(faults: readonly AppliedFault[], call: CallRecord, afterHealMs: number): string {
  for (let i = faults.length - 1; i >= 0; i--) {
    const f = faults[i]!;
    if (f.target !== call.device || f.at > call.end) continue;
    if (f.healedAt + afterHealMs >= call.start) return f.kind;
    if (f.healedAt + afterHealMs < call.start - 60_000) break;
  }
  return "none";
}

/** The counts of a run, kept per bucket so that a 30-minute run stays small in memory. */
export class SoakTally {
  readonly buckets: Bucket[] = [];
  readonly totals: Record<Outcome, number> = { answered: 0, timedOut: 0, lost: 0, failed: 0, wrong: 0 };
  /** Failures (anything not answered) by the fault they are put down to, then by outcome. */
  readonly byCause: Record<string, Record<string, number>> = {};
  /** Calls that settled later than their timeout allows: a hang. */
  hung = 0;
  longestCallMs = 0;

  constructor(
    private readonly bucketMs: number,
    private readonly callTimeoutMs: number,
    /** Slack on a call's timeout before it counts as hung (timers and a busy event loop). */
    private readonly graceMs = 1000,
  ) {}

  bucketAt(ms: number): Bucket {
    const i = Math.max(0, Math.floor(ms / this.bucketMs));
    while (this.buckets.length <= i) this.buckets.push(emptyBucket((this.buckets.length * this.bucketMs) / 1000));
    return this.buckets[i]!;
  }

  record(call: CallRecord, cause: string): void {
    this.totals[call.outcome]++;
    this.bucketAt(call.end)[call.outcome]++;
    const took = call.end - call.start;
    this.longestCallMs = Math.max(this.longestCallMs, took);
    if (took > this.callTimeoutMs + this.graceMs) this.hung++;
    if (call.outcome !== "answered") {
      this.byCause[cause] ??= {};
      const counts = this.byCause[cause];
      const key = call.outcome === "failed" ? `failed (${call.error})` : call.outcome;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
}

/**
 * Whether a process's memory grew without bound: the median of the last quarter of the run
 * against the median of its second quarter (the first is warm-up). Runs under two minutes are
 * too short to tell, and are not judged.
 */
export function rssGrowth(samplesMiB: number[], runSeconds: number): { grew: boolean; from: number; to: number } {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const q = Math.floor(samplesMiB.length / 4);
  const from = median(samplesMiB.slice(q, 2 * q).filter((x) => x > 0));
  const to = median(samplesMiB.slice(3 * q).filter((x) => x > 0));
  const grew = runSeconds >= 120 && q > 0 && to > from * 1.5 && to - from > 64;
  return { grew, from, to };
}

export interface Judgement {
  violations: string[];
}

/** What makes a soak run fail: a wrong answer, a request executed twice, a hang, memory growing. */
export function judge(
  tally: SoakTally,
  duplicates: number,
  stillPending: number,
  rss: Record<string, number[]>,
  runSeconds: number,
): Judgement {
  const violations: string[] = [];
  if (tally.totals.wrong > 0) violations.push(`${tally.totals.wrong} calls answered with another call's result`);
  if (duplicates > 0) violations.push(`${duplicates} requests executed twice by a device`);
  if (tally.hung > 0)
    violations.push(`${tally.hung} calls settled after their timeout (longest ${tally.longestCallMs} ms)`);
  if (stillPending > 0) violations.push(`${stillPending} calls still pending at the end, past their timeout`);
  for (const [name, samples] of Object.entries(rss)) {
    const g = rssGrowth(samples, runSeconds);
    if (g.grew) violations.push(`${name}: RSS grew from ${g.from.toFixed(0)} to ${g.to.toFixed(0)} MiB`);
  }
  return { violations };
}

// The soak run's faults, drawn from a seeded generator so that a run can be repeated: the same
// seed gives the same faults at the same times (what the peers then do is up to them).

export type FaultKind = "delay" | "throttle" | "stall" | "blackhole" | "split" | "cut" | "reset" | "kill";

export interface FaultEvent {
  /** ms from the start of the run. */
  at: number;
  /** Index of the device whose link (or process, for "kill") takes the fault. */
  target: number;
  kind: FaultKind;
  /** How long the fault lasts (for "kill": until the device is started again). */
  durationMs: number;
  /** delay: ms per chunk; throttle: bytes/s; split: octets per piece. */
  param?: number;
}

/** mulberry32: a small, well-mixed 32-bit generator; plenty for a fault schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LINK_FAULTS: FaultKind[] = ["delay", "throttle", "stall", "blackhole", "split", "cut", "reset"];

/**
 * One fault at a time, each after a quiet spell of 3-8 s (so that every failure can be put down
 * to one fault), on a device drawn at random; "kill" only for devices that can be restarted.
 */
export function faultSchedule(seed: number, runMs: number, killable: boolean[]): FaultEvent[] {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const events: FaultEvent[] = [];
  let t = between(3000, 6000);
  while (t < runMs - 5000) {
    const target = Math.floor(random() * killable.length);
    const kinds = killable[target] ? [...LINK_FAULTS, "kill" as const] : LINK_FAULTS;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    const event: FaultEvent = { at: t, target, kind, durationMs: between(1000, 6000) };
    if (kind === "delay") event.param = between(20, 300);
    if (kind === "throttle") event.param = between(32, 1024) * 1024;
    if (kind === "split") event.param = between(1, 16);
    if (kind === "cut" || kind === "reset") event.durationMs = 0;
    if (kind === "kill") event.durationMs = between(500, 3000);
    events.push(event);
    t += event.durationMs + between(3000, 8000);
  }
  return events;
}

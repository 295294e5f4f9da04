// The soak run drawn over time: calls and signals per second above, with the faults shaded and
// failures in red; each process's resident memory below.
import type { AppliedFault, Bucket } from "./report.js";

const W = 960;
const LEFT = 70;
const RIGHT = 180;
const PLOT = W - LEFT - RIGHT;
const LINE_COLORS = ["#2f7d4a", "#4a6fa5", "#c9a227", "#b05c4a", "#7a4a9a", "#3a9a9a", "#8a9a8f"];
const FAULT_FILL: Record<string, string> = {
  kill: "#f4c7c3",
  reset: "#f9dcc4",
  cut: "#f9dcc4",
  blackhole: "#e8d5f0",
  stall: "#fdf0c4",
  delay: "#dde9f7",
  throttle: "#dde9f7",
  split: "#e4f2e4",
};
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

interface Panel {
  top: number;
  height: number;
  max: number;
  unit: string;
}

function polyline(points: Array<[number, number]>, color: string): string {
  const d = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${d}"/>`;
}

function axes(panel: Panel, title: string, runSeconds: number): string[] {
  const parts = [`<text x="${LEFT}" y="${panel.top - 8}" class="title">${esc(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const y = panel.top + panel.height - (panel.height * i) / 4;
    const v = (panel.max * i) / 4;
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + PLOT}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${y + 4}" class="tick" text-anchor="end">${Math.round(v).toLocaleString("en")}</text>`,
    );
  }
  const minutes = runSeconds / 60;
  const step = minutes > 20 ? 5 : minutes > 5 ? 1 : minutes > 1 ? 0.5 : 0.25;
  for (let m = 0; m <= minutes + 1e-9; m += step) {
    const x = LEFT + (m / minutes) * PLOT;
    parts.push(
      `<text x="${x}" y="${panel.top + panel.height + 14}" class="tick" text-anchor="middle">${+m.toFixed(2)} min</text>`,
    );
  }
  return parts;
}

/** An SVG of the run: a panel of rates, one of failures, one of memory; faults shaded. */
export function drawSoakChart(title: string, all: Bucket[], faults: AppliedFault[], runSeconds: number): string {
  const bucketSeconds = all.length > 1 ? all[1]!.t - all[0]!.t : 1;
  // The last bucket, cut short by the end of the run, would read as a fall to zero.
  const buckets = all.filter((b) => b.t + bucketSeconds <= runSeconds + 0.001);
  const x = (t: number) => LEFT + (Math.min(t, runSeconds) / runSeconds) * PLOT;
  const mid = (b: Bucket) => x(b.t + bucketSeconds / 2);
  const failuresOf = (b: Bucket) => b.timedOut + b.lost + b.failed + b.wrong;
  const rates: Panel = {
    top: 70,
    height: 240,
    max: Math.max(1, ...buckets.map((b) => Math.max(b.answered, b.signalsReceived) / bucketSeconds)) * 1.1,
    unit: "per second",
  };
  // Whole numbers on the ticks: a maximum that divides by four.
  const failures: Panel = {
    top: 370,
    height: 90,
    max: Math.ceil(Math.max(4, ...buckets.map(failuresOf)) / 4) * 4,
    unit: "calls",
  };
  const memory: Panel = {
    top: 520,
    height: 180,
    max: Math.max(1, ...buckets.flatMap((b) => Object.values(b.rssMiB))) * 1.15,
    unit: "MiB",
  };
  const yOf = (p: Panel, v: number) => p.top + p.height - (Math.min(v, p.max) / p.max) * p.height;
  const parts: string[] = [`<text x="${LEFT}" y="28" class="head">${esc(title)}</text>`];
  for (const panel of [rates, failures]) {
    for (const f of faults) {
      const x0 = x(f.at / 1000);
      const x1 = Math.max(x0 + 2, x(f.healedAt / 1000));
      parts.push(
        `<rect x="${x0.toFixed(1)}" y="${panel.top}" width="${(x1 - x0).toFixed(1)}" height="${panel.height}" fill="${FAULT_FILL[f.kind] ?? "#eee"}"/>`,
      );
    }
  }
  parts.push(...axes(rates, "calls answered and signals received, per second", runSeconds));
  parts.push(
    polyline(
      buckets.map((b) => [mid(b), yOf(rates, b.answered / bucketSeconds)]),
      LINE_COLORS[0]!,
    ),
  );
  parts.push(
    polyline(
      buckets.map((b) => [mid(b), yOf(rates, b.signalsReceived / bucketSeconds)]),
      LINE_COLORS[1]!,
    ),
  );
  const fills = Object.entries(FAULT_FILL).filter(([k], i, all) => all.findIndex(([, c]) => c === FAULT_FILL[k]) === i);
  const legend: Array<[string, string]> = [
    ["calls answered/s", LINE_COLORS[0]!],
    ["signals received/s", LINE_COLORS[1]!],
    ...fills.map(([k, c]): [string, string] => [
      k === "reset" ? "reset, cut" : k === "delay" ? "delay, throttle" : k,
      c,
    ]),
  ];
  legend.forEach(([label, color], i) => {
    parts.push(...legendRow(rates.top + 10 + i * 18, label, color));
  });
  parts.push(...axes(failures, `calls timed out, lost or failed, per ${bucketSeconds} s`, runSeconds));
  const barW = Math.max(1.5, PLOT / Math.max(1, runSeconds / bucketSeconds) - 1);
  for (const b of buckets) {
    const n = failuresOf(b);
    if (n <= 0) continue;
    const y = yOf(failures, n);
    parts.push(
      `<rect x="${(mid(b) - barW / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${(failures.top + failures.height - y).toFixed(1)}" fill="#d0342c"/>`,
    );
  }
  parts.push(...axes(memory, "resident memory (RSS) of each process, MiB", runSeconds));
  const processes = [...new Set(buckets.flatMap((b) => Object.keys(b.rssMiB)))];
  processes.forEach((name, i) => {
    const color = LINE_COLORS[(i + 2) % LINE_COLORS.length]!;
    const points: Array<[number, number]> = buckets
      .filter((b) => (b.rssMiB[name] ?? 0) > 0)
      .map((b) => [mid(b), yOf(memory, b.rssMiB[name]!)]);
    parts.push(polyline(points, color), ...legendRow(memory.top + 10 + i * 18, name, color));
  });
  const H = memory.top + memory.height + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    "<style>text{font-family:sans-serif}.head{font-size:16px;font-weight:bold}.title{font-size:13px}.tick{font-size:11px;fill:#444}</style>",
    `<rect width="${W}" height="${H}" fill="white"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

function legendRow(y: number, label: string, color: string): string[] {
  return [
    `<rect x="${LEFT + PLOT + 14}" y="${y - 9}" width="12" height="10" fill="${color}"/>`,
    `<text x="${LEFT + PLOT + 32}" y="${y}" class="tick">${esc(label)}</text>`,
  ];
}

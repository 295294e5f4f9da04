// Benchmark results people can look at: each suite's figures are saved in
// benchmarks/results/<date>.json (with the machine, runtime and versions), and the day's file is
// drawn as benchmarks/results/<date>.svg; benchmarks/results/latest.svg, shown in the README,
// draws each suite's newest figures, whichever day they were measured.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("./results/", import.meta.url));

function versions() {
  const pkg = (p) => JSON.parse(readFileSync(fileURLToPath(new URL(p, import.meta.url)), "utf8")).version;
  return {
    plantrpc: pkg("../package.json"),
    zeromq: pkg("../node_modules/zeromq/package.json"),
    node: process.versions.node,
  };
}

/**
 * Merges one suite's figures into today's results file and redraws the chart; returns the paths.
 * A --quick run is too short to stand as a result: nothing is saved then.
 */
export function saveResults(suite, figures) {
  if (process.argv.includes("--quick")) return undefined;
  mkdirSync(DIR, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const path = `${DIR}${date}.json`;
  const results = existsSync(path)
    ? JSON.parse(readFileSync(path, "utf8"))
    : {
        date,
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
        platform: `${os.platform()} ${os.release()}`,
        versions: versions(),
        suites: {},
      };
  results.suites[suite] = { at: new Date().toISOString(), ...figures };
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${DIR}${date}.svg`, drawChart(results));
  writeFileSync(`${DIR}latest.svg`, drawChart(newestOfEachSuite()));
  return { json: path, svg: `${DIR}${date}.svg` };
}

/** Each suite's newest figures, over every day's results file (a run of one suite keeps the others). */
export function newestOfEachSuite() {
  const days = readdirSync(DIR)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort();
  let newest;
  for (const day of days) {
    const results = JSON.parse(readFileSync(`${DIR}${day}`, "utf8"));
    newest = { ...results, suites: { ...newest?.suites, ...results.suites } };
  }
  return newest;
}

const COLORS = ["#2f7d4a", "#8a9a8f", "#c9a227", "#4a6fa5", "#b05c4a"];
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

/**
 * One panel per group of figures sharing a unit: bars per implementation (or language pair), on
 * a logarithmic scale where 16-octet and 1 MiB figures share a panel (linear with `log: false`).
 */
export function drawChart(results) {
  const panels = [];
  for (const [suite, figures] of Object.entries(results.suites)) {
    for (const panel of figures.panels ?? []) panels.push({ suite, ...panel });
  }
  const width = 900;
  const barH = 14;
  const gap = 6;
  let y = 80;
  const parts = [];
  for (const panel of panels) {
    const series = panel.series;
    const max = Math.max(...panel.rows.flatMap((r) => series.map((s) => r.values[s] ?? 0)), 1);
    const log = panel.log !== false;
    const span = width - 330;
    const scale = (v) => (v > 0 ? (log ? Math.log10(v + 1) / Math.log10(max + 1) : v / max) * span : 0);
    const title = `${panel.title} (${panel.unit}${log ? ", log scale" : ""})`;
    parts.push(`<text x="20" y="${y}" class="title">${esc(title)}</text>`);
    y += 12;
    for (const row of panel.rows) {
      const rowTop = y;
      parts.push(`<text x="20" y="${rowTop + 11}" class="label">${esc(row.label)}</text>`);
      series.forEach((s, i) => {
        const v = row.values[s];
        if (v === undefined || v === null) return;
        const w = Math.max(1, scale(v));
        parts.push(
          `<rect x="170" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[i % COLORS.length]}"/>`,
          `<text x="${(176 + w).toFixed(1)}" y="${y + 10}" class="value">${esc(Math.round(v).toLocaleString("en"))}</text>`,
        );
        y += barH;
      });
      y += gap;
    }
    const legend = series
      .map(
        (s, i) =>
          `<rect x="${170 + i * 150}" y="${y}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>` +
          `<text x="${184 + i * 150}" y="${y + 9}" class="value">${esc(s)}</text>`,
      )
      .join("");
    parts.push(legend);
    y += 40;
  }
  const { machine, versions: v, date } = results;
  const subtitle = `${date} · ${machine.cpus} cores (${machine.model ?? "?"}) · node ${v.node} · plantrpc ${v.plantrpc} · zeromq ${v.zeromq}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, sans-serif">
<style>.title{font-size:14px;font-weight:600;fill:#1d2a1f}.label{font-size:12px;fill:#1d2a1f}.value{font-size:11px;fill:#44544a}.sub{font-size:12px;fill:#66756a}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="28" class="title">plantrpc benchmarks</text>
<text x="20" y="46" class="sub">${esc(subtitle)}</text>
${parts.join("\n")}
</svg>
`;
}

/** A progress line on a terminal: `[###.....] 3/12 PUSH/PULL 16 B`. */
export function progress(done, total, what) {
  if (!process.stderr.isTTY) {
    console.error(`[${done}/${total}] ${what}`);
    return;
  }
  const width = 24;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r\x1b[K[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${what}`);
  if (done === total) process.stderr.write("\n");
}

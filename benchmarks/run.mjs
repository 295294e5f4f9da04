// npm run bench: PUSH/PULL throughput and REQ/REP round trips, plantrpc against the native
// zeromq package (and raw TCP for large messages), each side in its own process, median of runs.
import { hasPyzmq, measure, RUNS } from "./processes.mjs";
import { progress, saveResults } from "./results.mjs";

const quick = process.argv.includes("--quick");
const scale = quick ? 0.1 : 1;

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en") : n.toFixed(1));
const rows = [];

const SIZES = [
  [16, 1_000_000],
  [256, 500_000],
  [4096, 200_000],
  [65536, 20_000],
  [1048576, 2_000],
];
const steps = SIZES.length + 1;
for (const [step, [size, n]] of SIZES.entries()) {
  progress(step, steps, `PUSH/PULL ${size} B`);
  const count = Math.max(100, Math.round(n * scale));
  const ours = await measure("plantrpc", "throughput", size, count);
  const native = await measure("zeromq", "throughput", size, count);
  const raw = size >= 65536 ? await measure("rawtcp", "throughput", size, count) : undefined;
  const pyzmq = hasPyzmq ? await measure("pyzmq", "throughput", size, count) : undefined;
  rows.push({ test: `PUSH/PULL ${size} B`, ours, native, raw, pyzmq });
}
progress(SIZES.length, steps, "REQ/REP 16 B round trips");
const rtCount = Math.max(100, Math.round(20_000 * scale));
rows.push({
  test: "REQ/REP 16 B round trips",
  ours: await measure("plantrpc", "roundtrip", 16, rtCount),
  native: await measure("zeromq", "roundtrip", 16, rtCount),
  // The limit of every request-reply figure: a raw node:net ping-pong of the same bytes.
  raw: await measure("rawtcp", "roundtrip", 16, rtCount),
  pyzmq: hasPyzmq ? await measure("pyzmq", "roundtrip", 16, rtCount) : undefined,
});

console.log(
  `\nmedian of ${RUNS} runs, sender and receiver in separate processes, tcp loopback, node ${process.versions.node}\n`,
);
console.log(
  "| test | plantrpc msg/s | zeromq msg/s | pyzmq msg/s | ratio | plantrpc MB/s | zeromq MB/s | raw TCP MB/s | plantrpc / raw | receiver peak RSS MiB (plantrpc / raw) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
const rssOf = (r) =>
  r.ours.peakRssMiB === undefined
    ? ""
    : `${Math.round(r.ours.peakRssMiB)}${r.raw?.peakRssMiB === undefined ? "" : ` / ${Math.round(r.raw.peakRssMiB)}`}`;
for (const r of rows) {
  const ratio = r.ours.perSecond / r.native.perSecond;
  // Round trips compare as exchanges per second, streams as bytes per second.
  const vsRaw = !r.raw
    ? ""
    : r.test.startsWith("REQ/REP")
      ? `${Math.round((r.ours.perSecond / r.raw.perSecond) * 100)}%`
      : `${Math.round((r.ours.mbPerSecond / r.raw.mbPerSecond) * 100)}%`;
  console.log(
    `| ${r.test} | ${fmt(r.ours.perSecond)} | ${fmt(r.native.perSecond)} | ${r.pyzmq ? fmt(r.pyzmq.perSecond) : ""} | ${ratio.toFixed(2)} | ${fmt(r.ours.mbPerSecond)} | ${fmt(r.native.mbPerSecond)} | ${r.raw ? fmt(r.raw.mbPerSecond) : ""} | ${vsRaw} | ${rssOf(r)} |`,
  );
}
progress(steps, steps, "done");

const series = ["plantrpc", "zeromq (native)", "pyzmq (libzmq)", "raw TCP"];
const pushPull = rows.filter((r) => r.test.startsWith("PUSH/PULL"));
const saved = saveResults("zmq", {
  runs: RUNS,
  rows,
  panels: [
    {
      title: "PUSH/PULL throughput",
      unit: "MB/s",
      series,
      rows: pushPull.map((r) => ({
        label: r.test.replace("PUSH/PULL ", ""),
        values: {
          plantrpc: r.ours.mbPerSecond,
          "zeromq (native)": r.native.mbPerSecond,
          "pyzmq (libzmq)": r.pyzmq?.mbPerSecond,
          "raw TCP": r.raw?.mbPerSecond,
        },
      })),
    },
    {
      title: "Messages per second",
      unit: "msg/s",
      series,
      rows: rows.map((r) => ({
        label: r.test.replace("PUSH/PULL ", "").replace(" round trips", ""),
        values: {
          plantrpc: r.ours.perSecond,
          "zeromq (native)": r.native.perSecond,
          "pyzmq (libzmq)": r.pyzmq?.perSecond,
          // Raw TCP as messages only where it is the same exchange (the ping-pong).
          "raw TCP": r.test.startsWith("REQ/REP") ? r.raw?.perSecond : undefined,
        },
      })),
    },
  ],
});
console.log(saved ? `\nsaved ${saved.json} and ${saved.svg}` : "\n(a --quick run: results not saved)");

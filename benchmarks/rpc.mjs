// RPC benchmarks: JSON calls/s, buffer throughput and signals/s for TS-TS (JSON and
// MessagePack), TS client to Python server, Python client to TS server, and Python-Python as
// the baseline. Each client and server in its own process; median of BENCH_RUNS runs (3).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { measure, startReadyServer } from "./processes.mjs";
import { progress, saveResults } from "./results.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const PYTHON = process.env.PLANTRPC_PYTHON ?? "/usr/bin/python3";
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const quick = process.argv.includes("--quick");
const hasPython = spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;

function startServer(kind) {
  return kind === "ts"
    ? startReadyServer(process.execPath, [here("./rpc-worker.mjs"), "server"])
    : startReadyServer(PYTHON, [here("../conformance/peers/rpc_device.py"), "tcp://127.0.0.1"]);
}

function runClient(kind, url, what, n, size = 0, encoding = "json") {
  const [cmd, args] =
    kind === "ts"
      ? [process.execPath, [here("./rpc-worker.mjs"), "client", url, what, String(n), String(size), encoding]]
      : [PYTHON, [here("./rpc_client.py"), url, what, String(n), String(size)]];
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120000 });
  const line = r.stdout.trim().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${kind} client ${what} failed: ${r.stderr}`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scale = (n) => Math.max(5, Math.round(quick ? n / 10 : n));

const pairs = [
  ["TS -> TS (JSON)", "ts", "ts", "json"],
  ["TS -> TS (MessagePack)", "ts", "ts", "msgpack"],
  ["TS -> Python", "ts", "py", "json"],
  ["Python -> TS", "py", "ts", "json"],
  ["Python -> Python", "py", "py", "json"],
].filter(([, c, s]) => hasPython || (c === "ts" && s === "ts"));

const tests = [
  ["JSON calls/s (sequential)", "calls", 10000, 0, (r) => r.count / r.seconds, "calls/s"],
  ["JSON calls/s (32 in flight)", "pipelined", 100000, 0, (r) => r.count / r.seconds, "calls/s"],
  ["buffer 1 MiB", "buffer", 300, 1 << 20, (r) => r.bytes / r.seconds / 1e6, "MB/s"],
  ["buffer 16 MiB", "buffer", 30, 16 << 20, (r) => r.bytes / r.seconds / 1e6, "MB/s"],
  ["signals/s", "signals", 20000, 0, (r) => r.count / r.seconds, "signals/s (received)"],
];

const servers = {};
process.on("exit", () => {
  for (const { child } of Object.values(servers)) child.kill();
});
for (const kind of new Set(pairs.map(([, , s]) => s))) servers[kind] = await startServer(kind);

const rows = [];
const numbers = [];
for (const [step, [label, what, n, size, metric, unit]] of tests.entries()) {
  progress(step, tests.length, label);
  const row = { label: `${label} [${unit}]`, cells: [] };
  numbers.push({ label, unit, byPair: {} });
  for (const [_pair, client, server, encoding] of pairs) {
    // Python clients have no pipelining: a REQ socket has one request in flight.
    if (what === "pipelined" && client === "py") {
      row.cells.push("n/a");
      continue;
    }
    const values = [];
    let lost = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = runClient(client, servers[server].url, what, scale(n), size, encoding);
      values.push(metric(r));
      if (r.sent) lost = Math.max(lost, r.sent - r.count);
    }
    const v = median(values);
    numbers.at(-1).byPair[_pair] = v;
    row.cells.push(`${v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1)}${lost ? ` (${lost} lost)` : ""}`);
  }
  rows.push(row);
}
// The limit of every sequential figure, measured in the same sitting: a raw node:net ping-pong.
const pingPong = (await measure("rawtcp", "roundtrip", 16, scale(5000))).perSecond;
progress(tests.length, tests.length, "done");
for (const { child } of Object.values(servers)) child.kill();

console.log(
  `\nmedian of ${RUNS} runs, client and server in separate processes, tcp loopback, node ${process.versions.node}${hasPython ? "" : " (no pyzmq: Python columns skipped)"}\n`,
);
console.log(`| test | ${pairs.map(([p]) => p).join(" | ")} |`);
console.log(`|---|${pairs.map(() => "---:").join("|")}|`);
for (const r of rows) console.log(`| ${r.label} | ${r.cells.join(" | ")} |`);

// Issue 11's targets, as ratios of this run's figures.
const fig = (label, pair) => numbers.find((m) => m.label === label)?.byPair[pair];
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : "n/a");
console.log(`\nraw node:net ping-pong (16 B): ${Math.round(pingPong).toLocaleString("en")} round trips/s`);
const seq = fig("JSON calls/s (sequential)", "TS -> TS (JSON)");
console.log(
  `sequential TS -> TS: ${Math.round((seq / pingPong) * 100)}% of the ping-pong, ${ratio(seq, fig("JSON calls/s (sequential)", "Python -> Python"))} Python -> Python`,
);
console.log(
  `signals TS -> TS: ${ratio(fig("signals/s", "TS -> TS (JSON)"), fig("signals/s", "Python -> Python"))} Python -> Python`,
);
for (const size of ["1 MiB", "16 MiB"]) {
  console.log(
    `buffer ${size}, TS client against Python client (same TS device): ${ratio(fig(`buffer ${size}`, "TS -> TS (JSON)"), fig(`buffer ${size}`, "Python -> TS"))}`,
  );
}

const pairNames = pairs.map(([p]) => p);
const saved = saveResults("rpc", {
  runs: RUNS,
  figures: numbers,
  pingPong,
  panels: numbers.map((m) => ({
    title: `RPC: ${m.label}`,
    unit: m.unit,
    series: pairNames,
    rows: [{ label: "per language pair", values: m.byPair }],
    log: false,
  })),
});
console.log(saved ? `\nsaved ${saved.json} and ${saved.svg}` : "\n(a --quick run: results not saved)");

// npm run bench -- streams: the call extension (protocol-spec/rpc.md, section 8). Stream items/s
// (small values) and MB/s (1 MiB buffers) against the same work as repeated unary calls, client
// and device in separate processes; and how long a cancellation takes to reach the handler (the
// client's abort to the handler's signal, client and device in one process: one clock).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RPCClient, RPCServer } from "../dist/index.js";
import { startReadyServer } from "./processes.mjs";
import { progress, saveResults } from "./results.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const quick = process.argv.includes("--quick");
const scale = (n) => Math.max(10, Math.round(quick ? n / 10 : n));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function client(url, what, n, size = 0) {
  const r = spawnSync(process.execPath, [here("./streams-worker.mjs"), "client", url, what, String(n), String(size)], {
    encoding: "utf8",
    timeout: 120000,
  });
  const line = r.stdout.trim().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`client ${what} failed: ${r.stderr}`);
  }
}

/** ms from the client's abort to the handler's signal, for `n` calls in a row (median, p99). */
async function cancellationLatency(n) {
  const server = new RPCServer({ url: "tcp://127.0.0.1" });
  let aborted;
  server.registerMethodJson(
    "wait",
    (call) =>
      new Promise((_, reject) =>
        call.signal.addEventListener("abort", () => {
          aborted(performance.now());
          reject(call.signal.reason);
        }),
      ),
    { callContext: true, timeout: null },
  );
  await server.start();
  void server.serveForever();
  const c = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`, { signals: false });
  const delays = [];
  for (let i = 0; i < n; i++) {
    const reached = new Promise((r) => (aborted = r));
    const ac = new AbortController();
    const call = c.call("wait", [], {}, { signal: ac.signal }).catch(() => {});
    await c.call("wait", [], {}, { timeout: 1 }).catch(() => {}); // the first call is on the device by now
    const t0 = performance.now();
    ac.abort();
    delays.push((await reached) - t0);
    await call;
  }
  c.close();
  server.close();
  delays.sort((a, b) => a - b);
  return { median: delays[Math.floor(n / 2)], p99: delays[Math.floor(n * 0.99)] };
}

const tests = [
  ["small values", "unary", "stream", 20000, 0, (r) => r.count / r.seconds, "items/s"],
  ["1 MiB buffers", "unary-buffer", "stream-buffer", 300, 1 << 20, (r) => r.bytes / r.seconds / 1e6, "MB/s"],
];
const server = await startReadyServer(process.execPath, [here("./streams-worker.mjs"), "server"]);
process.on("exit", () => server.child.kill());
const rows = [];
const figures = [];
for (const [step, [label, unary, stream, n, size, metric, unit]] of tests.entries()) {
  progress(step, tests.length + 1, label);
  const byWay = {};
  for (const [way, what] of [
    ["repeated unary calls", unary],
    ["one stream", stream],
  ]) {
    byWay[way] = median(Array.from({ length: RUNS }, () => metric(client(server.url, what, scale(n), size))));
  }
  figures.push({ label, unit, byWay });
  const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1));
  rows.push(
    `| ${label} [${unit}] | ${fmt(byWay["repeated unary calls"])} | ${fmt(byWay["one stream"])} | ${(byWay["one stream"] / byWay["repeated unary calls"]).toFixed(2)}x |`,
  );
}
progress(tests.length, tests.length + 1, "cancellation latency");
const latency = await cancellationLatency(scale(500));
progress(tests.length + 1, tests.length + 1, "done");
server.child.kill();

console.log(
  `\nmedian of ${RUNS} runs, client and device in separate processes, tcp loopback, node ${process.versions.node}\n`,
);
console.log("| test | repeated unary calls | one stream | stream / unary |");
console.log("|---|---:|---:|---:|");
for (const row of rows) console.log(row);
console.log(
  `\ncancellation, the client's abort to the handler's signal (one process, tcp loopback): median ${latency.median.toFixed(3)} ms, p99 ${latency.p99.toFixed(3)} ms`,
);
const saved = saveResults("streams", {
  runs: RUNS,
  figures,
  cancellation: latency,
  panels: figures.map((f) => ({
    title: `Streams: ${f.label}`,
    unit: f.unit,
    series: Object.keys(f.byWay),
    rows: [{ label: "TS -> TS", values: f.byWay }],
    log: false,
  })),
});
console.log(saved ? `\nsaved ${saved.json} and ${saved.svg}` : "\n(a --quick run: results not saved)");
process.exit(0);

// ZeroMQ over WebSocket (ZWS 2.0): PUSH/PULL throughput over ws:// against our own tcp:// and
// against jszmq (pure JavaScript, ZWS only), sender and receiver in separate processes, in the
// same run. `npm run bench -- ws`.
import { measure, RUNS } from "./processes.mjs";

const quick = process.argv.includes("--quick");
const scale = quick ? 0.1 : 1;
const CASES = [
  [16, 200_000],
  [65536, 4_000],
  [1048576, 500],
];
const WS = { TRANSPORT: "ws" };

const f = (n) => Math.round(n).toLocaleString("en");
console.log(`median of ${RUNS} runs, node ${process.versions.node}\n`);
console.log(
  "| size | plantrpc ws msg/s | plantrpc tcp msg/s | jszmq ws msg/s | ws / tcp | ws / jszmq | plantrpc ws MB/s | plantrpc tcp MB/s | jszmq MB/s |",
);
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const [size, n] of CASES) {
  const count = Math.max(20, Math.round(n * scale));
  const ws = await measure("plantrpc", "throughput", size, count, WS);
  const tcp = await measure("plantrpc", "throughput", size, count);
  const js = await measure("jszmq", "throughput", size, count, WS);
  console.log(
    `| ${size} | ${f(ws.perSecond)} | ${f(tcp.perSecond)} | ${f(js.perSecond)} | ${(ws.perSecond / tcp.perSecond).toFixed(2)} | ${(ws.perSecond / js.perSecond).toFixed(2)} | ${f(ws.mbPerSecond)} | ${f(tcp.mbPerSecond)} | ${f(js.mbPerSecond)} |`,
  );
}

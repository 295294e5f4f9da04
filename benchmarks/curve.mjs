// CURVE against NULL: PUSH/PULL throughput and REQ/REP round trips over TCP loopback, sender
// and receiver in separate processes (as deployed: each end seals or opens on its own core),
// plantrpc and the native `zeromq` package in the same run. `npm run bench -- curve`.
import { curveKeyPair } from "zeromq";
import { availableParallelism } from "node:os";
import { handshakeRate, libraries, loadedBoxRates, poolRate, primitiveRates } from "./curve-primitives.mjs";
import { measure, median, RUNS } from "./processes.mjs";

const quick = process.argv.includes("--quick");
const scale = quick ? 0.1 : 1;
const server = curveKeyPair();
const SECURITY = {
  NULL: {},
  CURVE: { SECURITY: "curve", BENCH_SERVER_PUBLIC: server.publicKey, BENCH_SERVER_SECRET: server.secretKey },
};
const CASES = [
  ["throughput", 16, 200_000],
  ["throughput", 65536, 4_000],
  ["throughput", 1048576, 300],
  ["roundtrip", 16, 20_000],
];

const f = (n) => Math.round(n).toLocaleString("en");
console.log(`median of ${RUNS} runs, node ${process.versions.node}\n`);
console.log("| test | security | plantrpc msg/s | zeromq msg/s | ratio | plantrpc MB/s | zeromq MB/s |");
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const [kind, size, n] of CASES) {
  const count = Math.max(20, Math.round(n * scale));
  const test = kind === "throughput" ? `PUSH/PULL ${size} B` : `REQ/REP ${size} B round trips`;
  // Large messages once more with two worker threads a side (curveThreads: 2, whatever the
  // automatic choice for this machine), against the same native figure.
  const variants = Object.entries(SECURITY);
  if (size >= 65536) variants.push(["CURVE, curveThreads 2", { ...SECURITY.CURVE, CURVE_THREADS: "2" }]);
  for (const [security, env] of variants) {
    const a = await measure("plantrpc", kind, size, count, env);
    const b = await measure("zeromq", kind, size, count, env);
    console.log(
      `| ${test} | ${security} | ${f(a.perSecond)} | ${f(b.perSecond)} | ${(a.perSecond / b.perSecond).toFixed(2)} | ${f(a.mbPerSecond)} | ${f(b.mbPerSecond)} |`,
    );
  }
}

// The bound: boxes alone, no ZeroMQ (one core), and handshakes.
const mb = (r) => f((r.seals * 1048576) / 1e6);
console.log(
  "\n| MESSAGE boxes alone (one core) | seals/s 17 B | opens/s 17 B | seal MB/s 64 KiB | open MB/s 64 KiB | seal MB/s 1 MiB | open MB/s 1 MiB |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
const mbAt = (rate, size) => f((rate * size) / 1e6);
for (const [name, r] of Object.entries(await primitiveRates())) {
  const [mid, big] = [r[65536], r[1048576]];
  console.log(
    `| ${name} | ${f(r[17].seals)} | ${f(r[17].opens)} | ${mbAt(mid.seals, 65536)} | ${mbAt(mid.opens, 65536)} | ${mb(big)} | ${mbAt(big.opens, 1048576)} |`,
  );
}
// What the stream's two processes can do at most here: the boxes alone, both cores at work.
const loaded = [];
for (const [size, n] of [
  [65536, Math.max(200, Math.round(4000 * scale))],
  [1048576, Math.max(20, Math.round(300 * scale))],
]) {
  const r = await loadedBoxRates(size, n);
  loaded.push(`${size} B: seal ${f(r.seal)}, open ${f(r.open)}`);
}
console.log(`\nBoxes alone, one process sealing while another opens (both cores at work), MB/s: ${loaded.join("; ")}`);
const threads = [0, 1, 2, 4].filter((n) => n <= Math.max(2, availableParallelism()));
const pooled = [];
for (const n of threads)
  pooled.push(`${n === 0 ? "this thread" : `${n} worker${n > 1 ? "s" : ""}`}: ${f(await poolRate(n))}`);
console.log(
  `\n1 MiB boxes sealed a second through the pool, MB/s (${availableParallelism()} cores): ${pooled.join(", ")}`,
);
const handshakes = Math.max(20, Math.round(1000 * scale));
const serverWarmUp = Math.round(3000 * scale);
console.log("\n| CURVE handshakes a second | plantrpc | zeromq | ratio |");
console.log("|---|---:|---:|---:|");
// Both libraries warmed up first (the JIT, libsodium, the native threads); then the median of
// RUNS measurements, taken in turns so that the machine's drifts fall on both.
for (const zmq of [libraries.plantrpc, libraries.zeromq]) await handshakeRate(zmq, handshakes, { inFlight: 8 });
for (const [label, variant] of [
  ["key pair made per client, handshake event", { freshKeys: true }],
  ["one key pair for all, handshake event", { freshKeys: false }],
  ["key pair made per client, one round trip", { freshKeys: true, roundTrip: true }],
  ["one key pair for all, one round trip", { freshKeys: false, roundTrip: true }],
  ["key pair made per client, 16 clients at a time", { freshKeys: true, inFlight: 16 }],
  // As deployed: the device in a process of its own, the clients in this one.
  ["server in its own process, key pair per client, event", { freshKeys: true, serverProcess: true, serverWarmUp }],
  [
    "server in its own process, 16 clients at a time",
    { freshKeys: true, inFlight: 16, serverProcess: true, serverWarmUp },
  ],
]) {
  const [ours, theirs] = [[], []];
  for (let run = 0; run < RUNS; run++) {
    ours.push(await handshakeRate(libraries.plantrpc, handshakes, variant));
    theirs.push(await handshakeRate(libraries.zeromq, handshakes, variant));
  }
  const [a, b] = [median(ours), median(theirs)];
  console.log(`| ${label} | ${f(a)} | ${f(b)} | ${(a / b).toFixed(2)} |`);
}

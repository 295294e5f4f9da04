// `npm run soak -- --minutes N`: a registry, TypeScript devices and a Python one, clients calling
// them through fault-injecting proxies, faults from a seeded schedule. Reports calls by outcome
// and cause, signals, reconnections and memory over time (JSON and an SVG chart), and exits 1
// on a wrong answer, a request executed twice, a hang or memory growing without bound.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { listDevices } from "../../src/index.js";
import { curveKeyPair } from "../../src/zmq/index.js";
import { FaultProxy } from "../../test/helpers/fault-proxy.js";
import { drawSoakChart } from "./chart.js";
import { type CallRecord, DeviceLoad } from "./load.js";
import { Peer } from "./processes.js";
import { type AppliedFault, causeOf, judge, SoakTally } from "./report.js";
import { type FaultEvent, faultSchedule } from "./schedule.js";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    seconds: { type: "string" },
    seed: { type: "string" },
    devices: { type: "string", default: "2" },
    lanes: { type: "string", default: "4" },
    timeout: { type: "string", default: "2000" },
    python: { type: "boolean", default: true },
    curve: { type: "boolean", default: false },
    out: { type: "string" },
  },
  allowNegative: true,
  strict: true,
});

const ROOT = process.env.PLANTRPC_ROOT ?? process.cwd();
const PYTHON = process.env.PLANTRPC_PYTHON ?? "/usr/bin/python3";
const runSeconds = args.seconds !== undefined ? Number(args.seconds) : Number(args.minutes) * 60;
const seed = args.seed !== undefined ? Number(args.seed) : Date.now() % 1_000_000;
const callTimeoutMs = Number(args.timeout);
const outDir = args.out ?? join(ROOT, "benchmarks", "results");
const bucketMs = Math.max(1, Math.round(runSeconds / 300)) * 1000;
const peerScript = fileURLToPath(new URL("./peer.js", import.meta.url));
const t0 = performance.now();
const now = () => performance.now() - t0;

function log(line: string): void {
  process.stderr.write(`[soak ${(now() / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
}

// ---- the processes ----
// --curve: the devices serve over CURVE and admit only the driver's client key (allowKeys, so
// that the authenticator is soaked too); the registry stays NULL. The keys reach the devices in
// their environment.
const deviceKeys = args.curve ? curveKeyPair() : undefined;
const clientKeys = args.curve ? curveKeyPair() : undefined;
if (deviceKeys && clientKeys) {
  process.env.PLANTRPC_SOAK_DEVICE_SECRET = deviceKeys.secretKey;
  process.env.PLANTRPC_SOAK_CLIENT_PUBLIC = clientKeys.publicKey;
}
const curve = deviceKeys && clientKeys ? { serverKey: deviceKeys.publicKey, ...clientKeys } : undefined;
const registry = new Peer("registry", "ts", () => [process.execPath, [peerScript, "registry"]]);
await registry.start();
const registryUrl = `tcp://127.0.0.1:${registry.port}`;
const devices: Peer[] = Array.from(
  { length: Number(args.devices) },
  (_, i) =>
    new Peer(`ts-device-${i}`, "ts", (port) => [
      process.execPath,
      [peerScript, "device", `ts-device-${i}`, registryUrl, port ? String(port) : ""],
    ]),
);
// The Python reference has no CURVE: with --curve, the TypeScript devices only.
const hasPython =
  args.python && !args.curve && spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;
if (args.python && args.curve) log("CURVE: running without the Python device (the reference has no CURVE)");
else if (args.python && !hasPython) log(`no pyzmq for ${PYTHON}: running without the Python device`);
if (hasPython) {
  const script = join(ROOT, "conformance", "peers", "rpc_device.py");
  devices.push(
    new Peer("python-device", "python", () => [
      PYTHON,
      [script, "tcp://127.0.0.1", "--register", registryUrl, "soak", "python-device"],
    ]),
  );
}
await Promise.all(devices.map((d) => d.start()));
const proxies = await Promise.all(devices.map((d) => FaultProxy.start(d.port)));

// ---- the load ----
const tally = new SoakTally(bucketMs, callTimeoutMs);
const applied: AppliedFault[] = [];
const record = (call: CallRecord) => {
  const cause = call.outcome === "answered" ? "" : causeOf(applied, call, callTimeoutMs + 3000);
  tally.record(call, cause);
};
const loads = devices.map(
  (_, i) =>
    new DeviceLoad(i, proxies[i]!.endpoint, {
      lanesPerDevice: Number(args.lanes),
      callTimeoutMs,
      record,
      now,
      ...(curve ? { curve } : {}),
    }),
);
await Promise.all(loads.map((l) => l.start()));
log(
  `seed ${seed}: ${devices.map((d) => d.name).join(", ")}${curve ? " (CURVE, allowKeys)" : ""}, registry ${registryUrl}, ${runSeconds} s`,
);

// ---- figures each second ----
const rssSeries: Record<string, number[]> = {};
let lastSignals = 0;
let lastEmitted = 0;
let lastHandshakes = loads.length;
let registered: number | undefined;
const MiB = 2 ** 20;
const emittedSoFar = () =>
  devices.reduce((sum, d, i) => sum + (d.language === "ts" ? d.totals().emitted : loads[i]!.ticksAsked), 0);
function sample(): void {
  const bucket = tally.bucketAt(now());
  for (const p of [registry, ...devices]) {
    const rss = p.rss() / MiB;
    rssSeries[p.name] ??= [];
    rssSeries[p.name]!.push(rss);
    if (rss > 0) bucket.rssMiB[p.name] = +rss.toFixed(1);
    if (p.latest.heap) bucket.heapMiB[p.name] = +(p.latest.heap / MiB).toFixed(1);
  }
  const own = process.memoryUsage();
  rssSeries.driver ??= [];
  rssSeries.driver.push(own.rss / MiB);
  bucket.rssMiB.driver = +(own.rss / MiB).toFixed(1);
  bucket.heapMiB.driver = +(own.heapUsed / MiB).toFixed(1);
  const signals = loads.reduce((s, l) => s + l.signalsReceived, 0);
  const emitted = emittedSoFar();
  const handshakes = loads.reduce((s, l) => s + l.handshakes, 0);
  bucket.signalsReceived += signals - lastSignals;
  bucket.signalsEmitted += Math.max(0, emitted - lastEmitted);
  bucket.reconnections += handshakes - lastHandshakes;
  if (registered !== undefined) bucket.registered = registered;
  [lastSignals, lastEmitted, lastHandshakes] = [signals, emitted, handshakes];
}
const sampler = setInterval(sample, 1000);
const lister = setInterval(() => {
  listDevices(registryUrl, { timeout: 1000 }).then(
    (list) => (registered = Object.keys(list).length),
    () => (registered = undefined),
  );
}, 5000);
const progress = setInterval(() => {
  const t = tally.totals;
  log(
    `answered ${t.answered}, timed out ${t.timedOut}, lost ${t.lost}, failed ${t.failed}, wrong ${t.wrong}, faults ${applied.length}`,
  );
}, 30_000);

// ---- the faults ----
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const schedule = faultSchedule(
  seed,
  runSeconds * 1000,
  devices.map((d) => d.language === "ts"),
);
async function inject(event: FaultEvent): Promise<void> {
  const proxy = proxies[event.target]!;
  const fault: AppliedFault = { ...event, at: now(), healedAt: Number.POSITIVE_INFINITY };
  applied.push(fault);
  switch (event.kind) {
    case "cut":
      proxy.cut();
      break;
    case "reset":
      proxy.reset();
      break;
    case "kill":
      devices[event.target]!.kill();
      await sleep(event.durationMs);
      await devices[event.target]!.start();
      break;
    default:
      if (event.kind === "delay") proxy.delay(event.param!);
      if (event.kind === "throttle") proxy.throttle(event.param!);
      if (event.kind === "split") proxy.split(event.param!);
      if (event.kind === "stall") proxy.stall();
      if (event.kind === "blackhole") proxy.blackhole();
      await sleep(event.durationMs);
      proxy.heal();
  }
  fault.healedAt = now();
}
for (const event of schedule) {
  await sleep(event.at - now());
  await inject(event);
}
await sleep(runSeconds * 1000 - now());

// ---- the end ----
clearInterval(progress);
let stillPending = 0;
const stopDeadline = callTimeoutMs + 3000;
await Promise.all(
  loads.map((l) => Promise.race([l.stop(), sleep(stopDeadline).then(() => (stillPending += l.pending))])),
);
// The devices report their counters each second: one more report, so that none is left out.
await sleep(1200);
sample();
clearInterval(sampler);
clearInterval(lister);
for (const p of [registry, ...devices]) p.stop();
await Promise.all(proxies.map((p) => p.close()));

const duplicates = devices.reduce((s, d) => s + d.totals().duplicates, 0);
const { violations } = judge(tally, duplicates, stillPending, rssSeries, runSeconds);
const signalsReceived = loads.reduce((s, l) => s + l.signalsReceived, 0);
const result = {
  date: new Date().toISOString(),
  seed,
  seconds: runSeconds,
  callTimeoutMs,
  security: curve ? "CURVE (allowKeys)" : "NULL",
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.versions.node },
  processes: [registry, ...devices].map((p) => ({ name: p.name, language: p.language, restarts: p.restarts })),
  calls: { ...tally.totals, hung: tally.hung, longestMs: Math.round(tally.longestCallMs), byCause: tally.byCause },
  signals: { emitted: emittedSoFar(), received: signalsReceived },
  reconnections: loads.reduce((s, l) => s + l.handshakes - 1, 0),
  executedTwice: duplicates,
  faults: applied.map((f) => ({
    kind: f.kind,
    target: devices[f.target]!.name,
    at: Math.round(f.at),
    ms: Math.round(f.healedAt - f.at),
    param: f.param,
  })),
  violations,
  buckets: tally.buckets,
};
mkdirSync(outDir, { recursive: true });
const day = result.date.slice(0, 10);
const title = `plantrpc soak run: ${(runSeconds / 60).toFixed(runSeconds < 600 ? 1 : 0)} min, seed ${seed}, ${applied.length} faults`;
const svg = drawSoakChart(title, tally.buckets, applied, runSeconds);
writeFileSync(join(outDir, `soak-${day}.json`), `${JSON.stringify(result, null, 1)}\n`);
writeFileSync(join(outDir, `soak-${day}.svg`), svg);
writeFileSync(join(outDir, "soak-latest.svg"), svg);

const t = tally.totals;
console.log(`soak run: ${runSeconds} s, seed ${seed}, ${applied.length} faults`);
console.log(
  `  calls: ${t.answered} answered, ${t.timedOut} timed out, ${t.lost} lost with a connection, ${t.failed} failed, ${t.wrong} wrong; longest ${Math.round(tally.longestCallMs)} ms`,
);
for (const [cause, counts] of Object.entries(tally.byCause)) console.log(`    ${cause}: ${JSON.stringify(counts)}`);
console.log(
  `  signals: ${result.signals.emitted} emitted, ${signalsReceived} received; reconnections ${result.reconnections}`,
);
console.log(`  results: ${join(outDir, `soak-${day}.json`)} and .svg`);
console.log(violations.length ? `FAILED:\n  ${violations.join("\n  ")}` : "no violation");
process.exit(violations.length ? 1 : 0);

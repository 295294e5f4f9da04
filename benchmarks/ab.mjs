// An A/B of plantrpc's ZeroMQ figures between two built trees, in one sitting:
//   node benchmarks/ab.mjs <tree A> <tree B> [--rounds N] [--case <text>]
// Each tree is a checkout with its own dist/ (npm run build) and benchmarks/worker.mjs; the cases
// run alternately A, B, B, A... (one run each per round), so that a drift of the machine's load
// falls on both. Streams are judged by the receiver's CPU time for the whole count (steadier than
// wall time on a shared two-core machine), and by wall time too; round trips by wall time. The
// table gives each case's median over the rounds and the spread of B against A.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const args = process.argv.slice(2);
const trees = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")).slice(0, 2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const rounds = Number(option("--rounds") ?? 5);
if (trees.length !== 2 || !(rounds > 0)) {
  console.error("usage: node benchmarks/ab.mjs <tree A> <tree B> [--rounds N] [--case <text>]");
  process.exit(2);
}

const ALL_CASES = [
  ["PUSH/PULL 16 B", "throughput", 16, 1_000_000],
  ["PUSH/PULL 256 B", "throughput", 256, 500_000],
  ["PUSH/PULL 65536 B", "throughput", 65536, 20_000],
  ["PUSH/PULL 1048576 B", "throughput", 1048576, 2_000],
  ["REQ/REP 16 B round trips", "roundtrip", 16, 10_000],
];
const only = option("--case");
const CASES = only ? ALL_CASES.filter(([name]) => name.includes(only)) : ALL_CASES;

/** One worker process of a tree; resolves its output lines as they come. */
function worker(tree, argv) {
  const child = spawn(process.execPath, [resolve(tree, "benchmarks/worker.mjs"), "plantrpc", ...argv.map(String)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const waiters = [];
  child.stdout.on("data", (d) => {
    out += d;
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise((r) => child.on("exit", r));
  return {
    async line(prefix) {
      for (;;) {
        const found = out.split("\n").find((l) => l.startsWith(prefix));
        if (found) return found.slice(prefix.length).trim();
        const more = new Promise((r) => waiters.push(r));
        if ((await Promise.race([more.then(() => false), exited.then(() => true)])) && !out.includes(prefix))
          throw new Error(`worker ${argv.join(" ")} exited without ${prefix}`);
      }
    },
    exited,
    kill: () => child.kill(),
  };
}

/** One run: wall ms and (for streams) the receiver's CPU ms. */
async function run(tree, kind, size, count) {
  const [serverRole, clientRole] = kind === "throughput" ? ["pull", "push"] : ["rep", "req"];
  const server = worker(tree, [serverRole, size, count]);
  const endpoint = await server.line("READY ");
  const client = worker(tree, [clientRole, size, count, endpoint]);
  const timed = kind === "throughput" ? server : client;
  const ms = Number(await timed.line("RESULT "));
  const cpu = kind === "throughput" ? Number(await server.line("CPU ")) : undefined;
  if (kind === "throughput") client.kill();
  await Promise.all([server.exited, client.exited]);
  return { ms, cpu };
}

/** results[case][tree] = runs. */
const results = CASES.map(() => trees.map(() => []));
for (let round = 0; round < rounds; round++) {
  for (const [c, [name, kind, size, count]] of CASES.entries()) {
    // Alternate which tree goes first, so that neither always runs on a machine just warmed up.
    for (const t of round % 2 === 0 ? [0, 1] : [1, 0]) results[c][t].push(await run(trees[t], kind, size, count));
    process.stderr.write(`round ${round + 1}/${rounds}: ${name}\n`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (a, b) => {
  const ratios = a.map((x, i) => b[i] / x).sort((p, q) => p - q);
  return `${ratios[0].toFixed(2)} to ${ratios.at(-1).toFixed(2)}`;
};
const fmt = (n) => Math.round(n).toLocaleString("en");
console.log(`\nA: ${trees[0]}\nB: ${trees[1]}\n${rounds} rounds, alternating, node ${process.versions.node}\n`);
console.log("| test | measure | A (median) | B (median) | B / A | B / A, lowest to highest round |");
console.log("|---|---|---:|---:|---:|---:|");
for (const [c, [name, kind, , count]] of CASES.entries()) {
  const [a, b] = results[c];
  const rate = (runs) => runs.map((r) => (count / r.ms) * 1000);
  console.log(
    `| ${name} | msg/s (wall) | ${fmt(median(rate(a)))} | ${fmt(median(rate(b)))} | ${(median(rate(b)) / median(rate(a))).toFixed(2)} | ${spread(rate(a), rate(b))} |`,
  );
  if (kind !== "throughput") continue;
  const cpu = (runs) => runs.map((r) => r.cpu);
  console.log(
    `| ${name} | receiver CPU ms | ${fmt(median(cpu(a)))} | ${fmt(median(cpu(b)))} | ${(median(cpu(b)) / median(cpu(a))).toFixed(2)} | ${spread(cpu(a), cpu(b))} |`,
  );
}

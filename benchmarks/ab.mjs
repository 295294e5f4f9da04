// An A/B of plantrpc's ZeroMQ figures between two built trees, in one sitting:
//   node benchmarks/ab.mjs <tree A> <tree B> [--rounds N]
// Each tree is a checkout with its own dist/ (npm run build) and benchmarks/; the cases run
// alternately A, B, A, B... (one run each per round, BENCH_RUNS=1), so that a drift of the
// machine's load falls on both, and the table gives each case's median over the rounds and the
// spread (lowest and highest) of B against A.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const trees = args.filter((a) => !a.startsWith("--")).slice(0, 2);
const roundsArg = args.indexOf("--rounds");
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 5;
if (trees.length !== 2 || !(rounds > 0)) {
  console.error("usage: node benchmarks/ab.mjs <tree A> <tree B> [--rounds N]");
  process.exit(2);
}
process.env.BENCH_RUNS = "1";

const CASES = [
  ["PUSH/PULL 16 B", "throughput", 16, 300_000],
  ["PUSH/PULL 256 B", "throughput", 256, 200_000],
  ["PUSH/PULL 65536 B", "throughput", 65536, 10_000],
  ["PUSH/PULL 1048576 B", "throughput", 1048576, 1_000],
  ["REQ/REP 16 B round trips", "roundtrip", 16, 10_000],
];

const measures = await Promise.all(
  trees.map(async (tree) => (await import(pathToFileURL(resolve(tree, "benchmarks/processes.mjs")).href)).measure),
);
/** results[case][tree] = messages a second, one per round. */
const results = CASES.map(() => trees.map(() => []));
for (let round = 0; round < rounds; round++) {
  for (const [c, [name, kind, size, count]] of CASES.entries()) {
    // Alternate which tree goes first, so that neither always runs on a machine just warmed up.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const t of order) results[c][t].push((await measures[t]("plantrpc", kind, size, count)).perSecond);
    process.stderr.write(`round ${round + 1}/${rounds}: ${name}\n`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en");
console.log(`\nA: ${trees[0]}\nB: ${trees[1]}\n${rounds} rounds, alternating, node ${process.versions.node}\n`);
console.log("| test | A msg/s (median) | B msg/s (median) | B / A | B / A, lowest to highest round |");
console.log("|---|---:|---:|---:|---:|");
for (const [c, [name]] of CASES.entries()) {
  const [a, b] = results[c];
  const ratios = a.map((x, i) => b[i] / x).sort((p, q) => p - q);
  console.log(
    `| ${name} | ${fmt(median(a))} | ${fmt(median(b))} | ${(median(b) / median(a)).toFixed(2)} | ${ratios[0].toFixed(2)} to ${ratios.at(-1).toFixed(2)} |`,
  );
}

// `npm run fuzz`: coverage-guided fuzzing of every parser (Jazzer.js, libFuzzer for JavaScript).
//   npm run fuzz                       every target, 10 s each
//   npm run fuzz -- zmtp-decoder       one target (or several)
//   npm run fuzz -- --seconds 1800     longer
//   npm run fuzz -- --cpu-seconds 1800 the long run: each target until it has used that much CPU
//   npm run fuzz -- --brief            what npm test runs: each target 3 s from its checked-in corpus
// Targets are fuzz/targets/<name>.cjs (CommonJS, over dist/cjs: Jazzer.js instruments what
// require() loads); seed corpora fuzz/corpus/<name>/ (checked in, small); what a run learns goes
// to fuzz/work/corpus/<name>/ and what crashes to fuzz/work/crashes/<name>/ (not checked in).
// Ends with one line: `fuzz: T targets, N executions, C crashes`; exit 1 on a crash.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fuzzSetup, JAZZER } from "./fuzz-setup.mjs";
import { needsBuild } from "./setup.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TARGETS = join(root, "fuzz", "targets");
const CORPUS = join(root, "fuzz", "corpus");
const WORK = join(root, "fuzz", "work");

/** The targets, by name (files of fuzz/targets/ not starting with "_"). */
export function targetNames() {
  return readdirSync(TARGETS)
    .filter((f) => f.endsWith(".cjs") && !f.startsWith("_"))
    .map((f) => f.slice(0, -4))
    .sort();
}

function parseArgs(argv) {
  const options = { seconds: 10, cpuSeconds: 0, brief: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--seconds") options.seconds = Number(argv[++i]);
    else if (argv[i] === "--cpu-seconds") options.cpuSeconds = Number(argv[++i]);
    else if (argv[i] === "--brief") options.brief = true;
    else options.names.push(argv[i]);
  }
  if (options.brief) options.seconds = 3;
  if (!(options.seconds > 0)) throw new Error("--seconds takes a positive number");
  if (!(options.cpuSeconds >= 0)) throw new Error("--cpu-seconds takes a positive number");
  return options;
}

/** What libFuzzer printed last: executions, coverage (edges) and features. */
function readStats(output) {
  // The final stats when libFuzzer printed them; else its last progress line's count (an async
  // target's run can end before they are printed).
  const counted = [...output.matchAll(/^#(\d+)\s/gm)].map((m) => Number(m[1]));
  const executions = Number(/stat::number_of_executed_units:\s*(\d+)/.exec(output)?.[1] ?? Math.max(0, ...counted));
  const lines = [...output.matchAll(/#\d+\s+\w+\s+cov: (\d+) ft: (\d+)/g)];
  const last = lines.at(-1);
  return { executions, coverage: Number(last?.[1] ?? 0), features: Number(last?.[2] ?? 0) };
}

/** CPU seconds a process has used so far (Linux's /proc; undefined elsewhere). */
function cpuSeconds(pid) {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Runs one target; resolves with its figures and whether it crashed. */
function runTarget(name, { seconds, brief }) {
  const target = join(TARGETS, `${name}.cjs`);
  const settings = createRequire(import.meta.url)(target).settings;
  const seeds = join(CORPUS, name);
  mkdirSync(seeds, { recursive: true });
  // libFuzzer writes what it learns into the first corpus: a scratch one for brief runs, so that
  // npm test leaves the tree as it was.
  const learnt = brief ? mkdtempSync(join(tmpdir(), `fuzz-${name}-`)) : join(WORK, "corpus", name);
  const crashes = join(WORK, "crashes", name);
  mkdirSync(learnt, { recursive: true });
  mkdirSync(crashes, { recursive: true });
  const includes = (settings?.includes ?? ["dist/cjs"]).map((i) => `--includes=${i}`);
  const args = [
    JAZZER,
    target,
    learnt,
    seeds,
    ...includes,
    ...(settings?.sync === false ? [] : ["--sync"]),
    `--timeout=${settings?.timeoutMs ?? 2000}`,
    "--",
    `-max_total_time=${seconds}`,
    `-rss_limit_mb=${settings?.rssLimitMb ?? 2048}`,
    `-max_len=${settings?.maxLength ?? 4096}`,
    `-artifact_prefix=${crashes}/`,
    "-print_final_stats=1",
    // npm test's runs are the same on every machine: a crash there is one anybody can replay.
    ...(brief ? ["-seed=1"] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    // The long run is counted in CPU time (libFuzzer's limit is wall time): sampled while the
    // target runs, since a process that has exited no longer shows it.
    let cpu;
    const sampler = setInterval(() => {
      cpu = cpuSeconds(child.pid) ?? cpu;
    }, 1000);
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("close", (code) => {
      clearInterval(sampler);
      if (brief) rmSync(learnt, { recursive: true, force: true });
      const stats = readStats(output);
      const crashed = code !== 0;
      resolve({ name, seconds, cpuSeconds: cpu, ...stats, crashed, output: crashed ? output : "" });
    });
  });
}

/**
 * Runs a target until it has used `cpu` seconds of CPU: libFuzzer stops on wall time, and an
 * interrupted Jazzer.js run does not end cleanly, so a run that other work slowed down is
 * followed by another from the corpus learnt so far. Figures are summed; coverage is the last's.
 */
async function runForCpu(name, cpu) {
  const total = { name, seconds: 0, cpuSeconds: 0, executions: 0, coverage: 0, features: 0, crashed: false, runs: 0 };
  while (total.cpuSeconds < cpu && !total.crashed) {
    const seconds = Math.max(60, Math.ceil(cpu - total.cpuSeconds));
    const r = await runTarget(name, { seconds, brief: false });
    total.runs += 1;
    total.seconds += r.seconds;
    total.cpuSeconds += r.cpuSeconds ?? r.seconds;
    total.executions += r.executions;
    Object.assign(total, { coverage: r.coverage, features: r.features, crashed: r.crashed, output: r.output });
  }
  return total;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const all = targetNames();
  const unknown = options.names.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    console.error(`fuzz: no target ${unknown.join(", ")} (targets: ${all.join(", ")})`);
    process.exit(2);
  }
  const missing = fuzzSetup({ quiet: options.brief });
  if (missing) {
    console.log(`fuzz: cannot run: ${missing}`);
    console.log(`fuzz: 0 targets, 0 executions, 0 crashes`);
    process.exit(options.brief ? 0 : 1);
  }
  if (needsBuild(root)) spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  const names = options.names.length > 0 ? options.names : all;
  const results = [];
  for (const name of names) {
    const r = options.cpuSeconds > 0 ? await runForCpu(name, options.cpuSeconds) : await runTarget(name, options);
    results.push(r);
    const mark = r.crashed ? "CRASH" : "ok   ";
    console.log(
      `${mark} ${name}: ${r.executions.toLocaleString("en")} executions in ${r.seconds} s${r.cpuSeconds === undefined ? "" : ` (${Math.round(r.cpuSeconds)} s of CPU)`}, coverage ${r.coverage} edges, ${r.features} features`,
    );
    if (r.crashed) console.log(r.output.split("\n").slice(-40).join("\n"));
  }
  if (!options.brief) {
    mkdirSync(WORK, { recursive: true });
    const record = results.map(({ output, ...r }) => r);
    writeFileSync(join(WORK, `results-${Date.now()}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }
  const executions = results.reduce((n, r) => n + r.executions, 0);
  const crashes = results.filter((r) => r.crashed).length;
  console.log(`fuzz: ${results.length} targets, ${executions} executions, ${crashes} crashes`);
  process.exit(crashes > 0 ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

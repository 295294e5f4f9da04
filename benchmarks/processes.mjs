// Runs the two sides of a benchmark (benchmarks/worker.mjs) as separate processes and times them.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const WORKER = fileURLToPath(new URL("./worker.mjs", import.meta.url));
const PY_WORKER = fileURLToPath(new URL("./pyzmq_worker.py", import.meta.url));
const PYTHON = process.env.PLANTRPC_PYTHON ?? "/usr/bin/python3";
export const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** Whether pyzmq (libzmq from Python) can take part. */
export const hasPyzmq = spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;

function start(args, env) {
  // pyzmq's side is benchmarks/pyzmq_worker.py, with the same arguments after the implementation.
  const [cmd, argv] =
    args[0] === "pyzmq" ? [PYTHON, [PY_WORKER, ...args.slice(1)]] : [process.execPath, [WORKER, ...args]];
  const child = spawn(cmd, argv.map(String), {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  const lines = [];
  const waiting = [];
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      lines.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      for (const w of waiting.splice(0)) w();
    }
  });
  const exited = new Promise((r) => child.on("exit", r));
  return {
    async line(prefix) {
      for (;;) {
        const found = lines.find((l) => l.startsWith(prefix));
        if (found) return found.slice(prefix.length).trim();
        await Promise.race([
          new Promise((r) => waiting.push(r)),
          exited.then(() => {
            throw new Error(`worker ${args.join(" ")} exited`);
          }),
        ]);
      }
    },
    exited,
    kill: () => child.kill(),
  };
}

/** One run: kind "throughput" (PUSH/PULL, timed by the receiver) or "roundtrip" (REQ/REP). */
async function once(impl, kind, size, count, env) {
  const [serverRole, clientRole] = kind === "throughput" ? ["pull", "push"] : ["rep", "req"];
  const server = start([impl, serverRole, size, count], env);
  const endpoint = await server.line("READY ");
  const client = start([impl, clientRole, size, count, endpoint], env);
  const measuredBy = kind === "throughput" ? server : client;
  const ms = Number(await measuredBy.line("RESULT "));
  // The receiver's peak RSS in MiB, where it reports one (our workers do, after RESULT).
  const rss = kind === "throughput" && impl !== "pyzmq" ? Number(await server.line("RSS ")) / 1024 : undefined;
  if (kind === "throughput") client.kill();
  await Promise.all([server.exited, client.exited]);
  return { ms, rss };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The median of RUNS runs, as messages and megabytes a second. `env` goes to both workers. */
export async function measure(impl, kind, size, count, env = {}) {
  const times = [];
  let peakRssMiB;
  for (let i = 0; i < RUNS; i++) {
    const { ms, rss } = await once(impl, kind, size, count, env);
    times.push(ms);
    if (rss !== undefined) peakRssMiB = Math.max(peakRssMiB ?? 0, rss);
  }
  const ms = median(times);
  return { perSecond: (count / ms) * 1000, mbPerSecond: (((count * size) / ms) * 1000) / 1e6, peakRssMiB };
}

/** Starts a device process that prints "READY <port>"; resolves with its URL and the process. */
export function startReadyServer(cmd, args) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ url: `tcp://127.0.0.1:${m[1]}`, child });
    });
    child.on("exit", () => reject(new Error(`${[cmd, ...args].join(" ")} exited`)));
  });
}

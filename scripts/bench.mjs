// `npm run bench`: builds, then runs the benchmarks (pass --quick for a short run).
import { spawnSync } from "node:child_process";
import { build, ensureNodeModules, root } from "./setup.mjs";

ensureNodeModules();
build();
// `npm run bench -- zmq`, `-- rpc`, `-- msgpack`, `-- curve`, `-- ws` or `-- streams` runs one suite; zmq and rpc by default.
const args = process.argv.slice(2);
const SCRIPTS = {
  zmq: "benchmarks/run.mjs",
  rpc: "benchmarks/rpc.mjs",
  msgpack: "benchmarks/msgpack.mjs",
  curve: "benchmarks/curve.mjs",
  ws: "benchmarks/ws.mjs",
  streams: "benchmarks/streams.mjs",
};
const suites = Object.keys(SCRIPTS).filter((s) => args.includes(s));
for (const suite of suites.length ? suites : ["zmq", "rpc"]) {
  const script = SCRIPTS[suite];
  const r = spawnSync(process.execPath, [script, ...args.filter((a) => a.startsWith("--"))], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

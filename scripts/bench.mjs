// `npm run bench`: builds, then runs the benchmarks (pass --quick for a short run).
import { spawnSync } from "node:child_process";
import { build, ensureNodeModules, root } from "./setup.mjs";

ensureNodeModules();
build();
const r = spawnSync(process.execPath, ["benchmarks/run.mjs", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);

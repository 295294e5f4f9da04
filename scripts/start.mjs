// `npm start`: the main job on a fresh clone (installs and builds first when needed).
import { spawnSync } from "node:child_process";
import { buildIfStale, ensureNodeModules, root } from "./setup.mjs";

ensureNodeModules();
buildIfStale();
const r = spawnSync(process.execPath, ["dist/cli/main.js", "demo", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);

// `npm run plantrpc -- <command> ...`: the plantrpc command from a clone (builds first when needed).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { build, ensureNodeModules, root } from "./setup.mjs";

ensureNodeModules();
if (!existsSync(join(root, "dist", "cli", "main.js")) || process.env.PLANTRPC_REBUILD) build();
const r = spawnSync(process.execPath, [join(root, "dist", "cli", "main.js"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);

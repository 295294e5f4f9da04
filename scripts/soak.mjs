// `npm run soak -- --minutes N [--seed S] [--devices N] [--lanes N] [--no-python] [--curve] [--out DIR]`:
// bundles the soak run (benchmarks/soak, TypeScript) with esbuild and runs it. Not part of
// `npm test`: it is a long run, judged by its own exit code and report.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensureNodeModules, root } from "./setup.mjs";

ensureNodeModules();
const { build } = await import("esbuild");
const outdir = join(root, "node_modules", ".cache", "plantrpc-soak");
await build({
  entryPoints: [join(root, "benchmarks/soak/main.ts"), join(root, "benchmarks/soak/peer.ts")],
  outdir,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "warning",
});
const r = spawnSync(process.execPath, ["--enable-source-maps", join(outdir, "main.js"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PLANTRPC_ROOT: root },
});
process.exit(r.status ?? 1);

// Builds the dual package: ES modules in dist/, CommonJS in dist/cjs/ (marked as such by its own
// package.json), each with its type declarations.
import { execSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
rmSync(join(root, "dist"), { recursive: true, force: true });
// Everything the build says goes to stderr: it runs in `npm pack`, whose --json output is stdout.
const quiet = { cwd: root, stdio: ["ignore", process.stderr, "inherit"] };
execSync("npx tsc -p tsconfig.build.json", quiet);
execSync("npx tsc -p tsconfig.cjs.json", quiet);
mkdirSync(join(root, "dist", "cjs"), { recursive: true });
writeFileSync(join(root, "dist", "cjs", "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);

// CURVE's worker thread is plain JavaScript, the same for both builds (an ES module: .mjs), found
// beside the module that starts it; CommonJS has no import.meta, so that module is told its place.
const curve = join("zmq", "mechanism", "curve");
for (const dir of [join(root, "dist", curve), join(root, "dist", "cjs", curve)]) {
  copyFileSync(join(root, "src", curve, "curve-worker.mjs"), join(dir, "curve-worker.mjs"));
}
const locator = join(root, "dist", "cjs", curve, "curve-worker-url.js");
const located = readFileSync(locator, "utf8").replace(
  "import.meta.url",
  'require("node:url").pathToFileURL(__filename)',
);
if (!located.includes("__filename")) throw new Error(`${locator}: import.meta.url not found to rewrite`);
writeFileSync(locator, located);
execSync("node scripts/build-browser.mjs", quiet);
execSync("node scripts/build-browser-types.mjs", quiet);

// Builds the dual package: ES modules in dist/, CommonJS in dist/cjs/ (marked as such by its own
// package.json), each with its type declarations.
import { execSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
rmSync(join(root, "dist"), { recursive: true, force: true });
execSync("npx tsc -p tsconfig.build.json", { cwd: root, stdio: "inherit" });
execSync("npx tsc -p tsconfig.cjs.json", { cwd: root, stdio: "inherit" });
mkdirSync(join(root, "dist", "cjs"), { recursive: true });
writeFileSync(join(root, "dist", "cjs", "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
execSync("node scripts/build-browser.mjs", { cwd: root, stdio: "inherit" });

// Shared by `npm start` and `npm test`: makes a fresh clone runnable (npm packages, build).
import { execSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function run(command, options = {}) {
  execSync(command, { cwd: root, stdio: "inherit", ...options });
}

/** npm ci when node_modules is missing or older than the lock file. */
export function ensureNodeModules() {
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("installing npm packages (npm ci)...");
  run("npm ci --no-audit --no-fund");
}

export function build() {
  run("node scripts/build.mjs");
}

/**
 * Builds unless dist/ is newer than everything it is made from (npm start: a one-second demo
 * need not wait for a full build each time).
 */
export function buildIfStale() {
  if (needsBuild(root)) build();
}

/** Whether `dir`'s dist/ is missing, or older than a source, a build script or a build setting. */
export function needsBuild(dir) {
  const built = [join(dir, "dist", "cli", "main.js"), join(dir, "dist", "browser", "dashboard.js")];
  if (!built.every((f) => existsSync(f))) return true;
  const builtAt = Math.min(...built.map((f) => statSync(f).mtimeMs));
  const sources = [
    ...filesIn(join(dir, "src")),
    ...["package.json", "tsconfig.json", "tsconfig.build.json", "tsconfig.cjs.json"].map((f) => join(dir, f)),
    ...readdirSync(join(dir, "scripts"))
      .filter((f) => f.startsWith("build"))
      .map((f) => join(dir, "scripts", f)),
  ];
  return sources.some((f) => existsSync(f) && statSync(f).mtimeMs > builtAt);
}

function filesIn(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

export const PYTHON = process.env.PLANTRPC_PYTHON ?? "/usr/bin/python3";

const DEBIAN_PACKAGES = ["python3-zmq", "python3-decorator", "python3-colorlog", "python3-sdnotify"];

/** Debian's python3-zmq for the conformance suite: installed when we are root, else explained. */
export function ensurePyzmq() {
  const ok = () => spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;
  if (ok()) return true;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0) {
    console.log(`installing Debian packages: ${DEBIAN_PACKAGES.join(" ")}`);
    run("apt-get update -qq", { stdio: "ignore" });
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${DEBIAN_PACKAGES.join(" ")}`, { stdio: "ignore" });
    if (ok()) return true;
  }
  console.warn(
    `\n*** pyzmq is not available to ${PYTHON}: the libzmq conformance tests against pyzmq will be skipped.\n` +
      `*** Install it with: sudo apt-get install -y ${DEBIAN_PACKAGES.join(" ")}\n`,
  );
  return false;
}

/** Whether a C program can include czmq.h (Debian's libczmq-dev), for the CZMQ interop peer. */
const hasCzmq = () =>
  spawnSync("gcc", ["-E", "-x", "c", "-"], { input: "#include <czmq.h>\n", stdio: ["pipe", "ignore", "ignore"] })
    .status === 0;

/** Debian's libczmq-dev for the CZMQ interop tests (certificates, zauth): installed when root, else explained. */
export function ensureCzmq() {
  if (hasCzmq()) return true;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0) {
    console.log("installing Debian packages: libczmq-dev");
    run("apt-get update -qq", { stdio: "ignore" });
    run("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libczmq-dev", { stdio: "ignore" });
    if (hasCzmq()) return true;
  }
  console.warn(
    "\n*** CZMQ is not available to gcc: the CZMQ interop tests will be skipped.\n" +
      "*** Install it with: sudo apt-get install -y libczmq-dev\n",
  );
  return false;
}

/** Where the browser tests find Chromium: CHROMIUM_PATH, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian's chromium for the browser tests: installed when running as root, else a clear warning. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return true;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0) {
    console.log("installing Debian's chromium for the browser tests");
    run("apt-get update -qq", { stdio: "ignore" });
    run("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", { stdio: "ignore" });
    if (existsSync(CHROMIUM)) return true;
  }
  console.warn(
    `\n*** Chromium is not at ${CHROMIUM}: the browser tests will be skipped.\n` +
      "*** Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)\n",
  );
  return false;
}

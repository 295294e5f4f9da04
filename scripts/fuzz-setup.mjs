// What `npm run fuzz` (and npm test's brief fuzz runs) need: Jazzer.js, installed apart in
// fuzz/tools (its npm package pinned there), and its native part built here. Jazzer.js's
// prebuilt addon wants a newer C library than Debian 12's, and its own build downloads LLVM from
// GitHub; so the addon's sources (in the npm package) are compiled with g++ against Debian's
// libFuzzer (libclang-rt-14-dev) and Node's headers, with two shims (fuzz/tools/addon).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const TOOLS = join(root, "fuzz", "tools");
const FUZZER = join(TOOLS, "node_modules", "@jazzer.js", "fuzzer");
const ADDON = join(FUZZER, "build", "Release", "jazzerjs.node");
/** The jazzer command's script. */
export const JAZZER = join(TOOLS, "node_modules", "@jazzer.js", "core", "dist", "cli.js");
const DEBIAN_PACKAGE = "libclang-rt-14-dev";

function libFuzzer() {
  const found = [];
  for (const base of ["/usr/lib"]) {
    if (!existsSync(base)) continue;
    for (const llvm of readdirSync(base).filter((d) => d.startsWith("llvm-"))) {
      const clang = join(base, llvm, "lib", "clang");
      if (!existsSync(clang)) continue;
      for (const version of readdirSync(clang)) {
        const lib = join(clang, version, "lib", "linux", "libclang_rt.fuzzer_no_main-x86_64.a");
        if (existsSync(lib)) found.push(lib);
      }
    }
  }
  return found.sort().at(-1);
}

function nodeHeaders() {
  const prefix = process.config.variables.node_prefix ?? "/usr";
  return [join(prefix, "include", "node"), "/usr/include/node", "/usr/local/include/node"].find((d) =>
    existsSync(join(d, "node_api.h")),
  );
}

const isRoot = () => process.getuid?.() === 0;
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/** The addon's C++ sources, as the npm package has them. */
function addonSources() {
  const cpp = (dir) =>
    readdirSync(join(FUZZER, dir))
      .filter((f) => f.endsWith(".cpp"))
      .map((f) => join(FUZZER, dir, f));
  return [...cpp("."), ...cpp("shared")];
}

/** Newest modification time of the files that make the addon. */
function sourcesTime() {
  const files = [
    ...addonSources(),
    join(TOOLS, "addon", "shims.cpp"),
    join(TOOLS, "addon", "include", "fuzzer", "FuzzerDefs.h"),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/**
 * Makes Jazzer.js ready; returns undefined when it is, or what is missing (and how to get it)
 * when it cannot be (not root, so no Debian package; no compiler).
 */
export function fuzzSetup({ quiet = false } = {}) {
  const log = (line) => quiet || console.log(line);
  if (process.platform !== "linux" || process.arch !== "x64") return "fuzzing runs on Linux x86-64 only here";
  if (!existsSync(join(FUZZER, "addon.cpp"))) {
    log("fuzz: installing Jazzer.js in fuzz/tools (npm ci, without its install scripts)");
    const r = spawnSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: TOOLS, stdio: "inherit" });
    if (r.status !== 0) return "npm ci in fuzz/tools failed";
  }
  let lib = libFuzzer();
  if (!lib && isRoot() && has("apt-get")) {
    log(`fuzz: installing Debian's ${DEBIAN_PACKAGE} (libFuzzer)`);
    spawnSync("apt-get", ["install", "-y", DEBIAN_PACKAGE], { stdio: "inherit" });
    lib = libFuzzer();
  }
  if (!lib) return `libFuzzer not found: install Debian's ${DEBIAN_PACKAGE} (apt-get install ${DEBIAN_PACKAGE})`;
  const headers = nodeHeaders();
  if (!headers) return "Node's headers (node_api.h) not found";
  if (!has("g++")) return "g++ not found: install Debian's g++";
  if (existsSync(ADDON) && statSync(ADDON).mtimeMs >= sourcesTime()) return undefined;
  log("fuzz: building Jazzer.js's addon against Debian's libFuzzer");
  mkdirSync(dirname(ADDON), { recursive: true });
  const sources = addonSources();
  try {
    execFileSync(
      "g++",
      [
        "-std=c++17",
        "-O2",
        "-fPIC",
        "-shared",
        "-DNAPI_VERSION=4",
        "-DNAPI_CPP_EXCEPTIONS",
        "-fexceptions",
        `-I${headers}`,
        `-I${join(TOOLS, "node_modules", "node-addon-api")}`,
        `-I${join(TOOLS, "addon", "include")}`,
        `-I${FUZZER}`,
        ...sources,
        join(TOOLS, "addon", "shims.cpp"),
        "-Wl,--whole-archive",
        lib,
        "-Wl,--no-whole-archive",
        "-lpthread",
        "-o",
        ADDON,
      ],
      { stdio: quiet ? "ignore" : "inherit" },
    );
  } catch {
    return "building Jazzer.js's addon failed (g++)";
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = fuzzSetup();
  console.log(missing ? `fuzz: cannot run: ${missing}` : "fuzz: Jazzer.js ready");
  process.exit(missing ? 1 : 0);
}

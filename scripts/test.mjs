// `npm test`: installs what the tests need, runs unit, conformance and runtime tests, and ends
// with one line "N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { brokenLinks } from "./doc-links.mjs";
import { build, ensureChromium, ensureCzmq, ensureNodeModules, ensurePyzmq, root } from "./setup.mjs";

ensureNodeModules();
ensurePyzmq();
ensureChromium();
ensureCzmq();
build();

let passed = 0;
let failed = 0;

// The whole tree type-checks (library, tests, conformance, examples, and the dashboard's page
// script with the DOM's types): one counted check.
const typecheck = [
  spawnSync("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"], { cwd: root, stdio: "inherit" }),
  spawnSync("npx", ["tsc", "-p", "src/web/page/tsconfig.json"], { cwd: root, stdio: "inherit" }),
].every((r) => r.status === 0);
if (typecheck) {
  passed += 1;
  console.log("ok   typecheck (tsc --noEmit, strict)");
} else {
  failed += 1;
  console.log("FAIL typecheck (tsc --noEmit, strict)");
}

// Format and lint: Biome (formatting, most rules) and typescript-eslint (type-aware rules such as
// floating promises). `npm run format` fixes what the first reports about formatting.
for (const [name, args] of [
  ["format and lint (biome check)", ["biome", "check"]],
  ["type-aware lint (eslint)", ["eslint", "."]],
  ["no machine-specific absolute paths (scripts/check-paths.mjs)", ["node", "scripts/check-paths.mjs"]],
  // The API reference's validation (typedoc.json): every export documented, no broken link, no
  // public type left out; any warning fails. `npm run docs` writes the site to docs/api/.
  ["API reference validates (typedoc, no warning)", ["typedoc", "--emit", "none", "--logLevel", "Warn"]],
]) {
  const r = spawnSync("npx", args, { cwd: root, stdio: "inherit" });
  if (r.status === 0) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}`);
  }
}

// Unit and conformance tests (vitest), counted from its JSON report.
const report = join(mkdtempSync(join(tmpdir(), "plantrpc-test-")), "vitest.json");
const vitest = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  if (r.numTotalTests === 0 || (vitest.status !== 0 && r.numFailedTests === 0)) failed += 1;
} catch {
  console.error("vitest produced no report");
  failed += 1;
}

// The same smoke test under Node, Bun and Deno (both installed from npm).
if (process.argv.length <= 2) {
  const runtimes = [
    ["node", ["test/runtime/smoke.mjs"]],
    ["npx", ["bun", "test/runtime/smoke.mjs"]],
    ["npx", ["deno", "run", "--allow-all", "test/runtime/smoke.mjs"]],
    // The TypeScript sources, as JSR gives them to Deno users (deno.json).
    ["npx", ["deno", "run", "--allow-all", "test/runtime/smoke.mjs"], { SMOKE_SOURCE: "src" }],
  ];
  for (const [cmd, args, env] of runtimes) {
    const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", timeout: 60000, env: { ...process.env, ...env } });
    process.stdout.write(r.stdout ?? "");
    const m = /(\d+) passed, (\d+) failed/.exec(r.stdout ?? "");
    if (m && r.status === 0) {
      passed += Number(m[1]);
    } else {
      process.stdout.write(r.stderr ?? "");
      failed += m ? Number(m[2]) || 1 : 1;
      passed += m ? Number(m[1]) : 0;
    }
  }
}

// Every fuzz target briefly (3 s each, from its checked-in corpus: npm run fuzz -- --brief), so
// that a parser that starts crashing on a known input, or soon after, fails the run. Each target
// counts as one test. Without libFuzzer (Debian's libclang-rt-14-dev, installed when root), it
// says what to install and skips.
if (process.argv.length <= 2) {
  const r = spawnSync(process.execPath, ["scripts/fuzz.mjs", "--brief"], { cwd: root, encoding: "utf8" });
  process.stdout.write(r.stdout ?? "");
  const m = /fuzz: (\d+) targets, (\d+) executions, (\d+) crashes/.exec(r.stdout ?? "");
  if (!m) {
    process.stdout.write(r.stderr ?? "");
    failed += 1;
  } else {
    passed += Number(m[1]) - Number(m[3]);
    failed += Number(m[3]);
  }
}

// The JSR package (deno.json): `deno publish --dry-run` type-checks the public API for "slow
// types" (types JSR cannot read without inference) and lists the files; nothing is published.
if (process.argv.length <= 2) {
  const r = spawnSync("npx", ["deno", "publish", "--dry-run", "--allow-dirty"], {
    cwd: root,
    encoding: "utf8",
    timeout: 300000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  // JSR shows the README too: each file it links to must be published with it.
  const here = root.split(sep).join("/");
  const listed = [...output.matchAll(/file:\/\/(\S+) \(/g)].map((m) => m[1].slice(here.length + 1));
  const broken = brokenLinks(root, listed);
  if (broken.length > 0) console.log(`JSR: links to files not published: ${JSON.stringify(broken)}`);
  if (r.status === 0 && /Dry run complete/.test(output) && !/warning/i.test(output) && broken.length === 0) {
    passed += 1;
    console.log("ok   deno publish --dry-run (JSR): clean");
  } else {
    failed += 1;
    console.log(`FAIL deno publish --dry-run (JSR):\n${output}`);
  }
}

// JSR's documentation check: every export documented, nothing private referenced from the
// public API (what JSR's score reads). Its output is shown only when it fails: deno also prints
// a warning per @types/node file it cannot follow, which says nothing about our documentation.
if (process.argv.length <= 2) {
  const entries = ["src/index.ts", "src/zmq/entry.ts", "src/zmq/compat/v5-entry.ts", "src/zmq/draft-entry.ts"];
  const r = spawnSync("npx", ["deno", "doc", "--lint", ...entries], {
    cwd: root,
    encoding: "utf8",
    timeout: 120000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (r.status === 0) {
    passed += 1;
    console.log("ok   deno doc --lint (JSR): every export documented");
  } else {
    failed += 1;
    console.log(`FAIL deno doc --lint (JSR):\n${r.stdout ?? ""}${r.stderr ?? ""}`);
  }
}

// The demo (the README's main job) end to end under the three runtimes.
if (process.argv.length <= 2) {
  const out = mkdtempSync(join(tmpdir(), "plantrpc-demo-"));
  const demos = [
    ["node", [process.execPath, ["dist/cli/main.js", "demo", "--out", join(out, "node")]]],
    ["bun", ["npx", ["bun", "dist/cli/main.js", "demo", "--out", join(out, "bun")]]],
    ["deno", ["npx", ["deno", "run", "--allow-all", "dist/cli/main.js", "demo", "--out", join(out, "deno")]]],
  ];
  for (const [name, [cmd, args]] of demos) {
    const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", timeout: 60000 });
    if (r.status === 0 && /== done/.test(r.stdout ?? "")) {
      passed += 1;
      console.log(`ok   demo under ${name}`);
    } else {
      failed += 1;
      console.log(`FAIL demo under ${name}:\n${r.stdout ?? ""}${r.stderr ?? ""}`);
    }
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

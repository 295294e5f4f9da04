/**
 * The documentation cannot rot: every program in examples/ and every README code block marked
 * "runs in npm test" runs against the built package (as a user's program imports it,
 * `plantrpc` and `plantrpc/zmq`), each within a time limit, and says what it should.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const EXAMPLES = join(ROOT, "examples");
const built = existsSync(join(ROOT, "dist", "index.js"));
const LIMIT_MS = 20_000;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` from the repository's root (so that `plantrpc` resolves to this package). */
function node(args: string[], onStdout?: (text: string) => void): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, args, { cwd: ROOT });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
    onStdout?.(stdout);
  });
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), LIMIT_MS);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

/** A server example started on an OS-chosen port; resolves to the endpoint it prints. */
async function server(file: string, arg: string, ready: RegExp): Promise<string> {
  let found: (endpoint: string) => void = () => {};
  const endpoint = new Promise<string>((resolve) => (found = resolve));
  const { done } = node([join(EXAMPLES, file), arg], (out) => {
    const m = ready.exec(out);
    if (m) found(m[1]!);
  });
  return Promise.race([
    endpoint,
    done.then((r) => {
      throw new Error(`${file} ended before it was ready: ${r.stderr || r.stdout}`);
    }),
  ]);
}

/** Programs that run alone, and what each prints. */
const ALONE: Record<string, RegExp> = {
  "zmq-tour.mjs": /REQ received/,
  "pub-sub-envelope.mjs": /./,
  "router-dealer.mjs": /./,
  "curve-allow-keys.mjs": /operator: \{ angle: 90 \}\nstranger: refused \(ZAP status 400\)/,
};

/** A server and its client: how the server says where it is, what the client prints. */
const PAIRS: Array<{ server: string; arg: string; ready: RegExp; client: string; prints: RegExp[] }> = [
  {
    server: "hello-server.mjs",
    arg: "tcp://127.0.0.1:*",
    ready: /listening on (\S+)/,
    client: "hello-client.mjs",
    prints: [/reply: world \(you said hello 2\)/],
  },
  {
    server: "rpc-device.mjs",
    arg: "tcp://127.0.0.1",
    ready: /motor device at (\S+)/,
    client: "rpc-client.mjs",
    prints: [/move_to\(42\) = 42/, /speed = 3/, /log: at 42/],
  },
  {
    server: "rpc-scan-device.mjs",
    arg: "tcp://127.0.0.1",
    ready: /scanner at (\S+)/,
    client: "rpc-scan-client.mjs",
    prints: [
      /progress \{ position: 3, of: 3 \}/,
      /3 positions scanned/,
      /second scan: cancelled at position 5/,
      /reading 2: /,
    ],
  },
];

describe.skipIf(!built)("examples/ (against the built package)", () => {
  it("covers every file there", () => {
    const covered = new Set([...Object.keys(ALONE), ...PAIRS.flatMap((p) => [p.server, p.client])]);
    expect(
      readdirSync(EXAMPLES)
        .filter((f) => f.endsWith(".mjs"))
        .sort(),
    ).toEqual([...covered].sort());
  });

  for (const [file, prints] of Object.entries(ALONE)) {
    it(`${file} runs to its end`, async () => {
      const run = await node([join(EXAMPLES, file)]).done;
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(prints);
    });
  }

  for (const pair of PAIRS) {
    it(`${pair.client} against ${pair.server}`, async () => {
      const endpoint = await server(pair.server, pair.arg, pair.ready);
      const run = await node([join(EXAMPLES, pair.client), endpoint]).done;
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      for (const line of pair.prints) expect(run.stdout).toMatch(line);
    });
  }
});

/** The README's code blocks that are complete programs, marked so just before them. */
function readmePrograms(): Array<{ line: number; code: string }> {
  const lines = readFileSync(join(ROOT, "README.md"), "utf8").split("\n");
  const programs: Array<{ line: number; code: string }> = [];
  lines.forEach((text, i) => {
    if (!text.includes("<!-- runs in npm test")) return;
    const open = i + 1;
    expect(lines[open]).toMatch(/^```(ts|js)$/);
    const close = lines.indexOf("```", open + 1);
    programs.push({ line: open + 1, code: lines.slice(open + 1, close).join("\n") });
  });
  return programs;
}

describe.skipIf(!built)("README programs (against the built package)", () => {
  const programs = readmePrograms();
  it("there are some", () => expect(programs.length).toBeGreaterThanOrEqual(2));
  for (const { line, code } of programs) {
    it(`the block at README.md:${line} runs`, async () => {
      const js = transformSync(code, { loader: "ts", format: "esm", target: "es2022" }).code;
      const run = await node(["--input-type=module", "-e", js]).done;
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
    });
  }
});

/** The programs of docs/migrating.md: marked blocks, with what each mark asks. */
function migrationPrograms(): Array<{ line: number; mark: string; code: string }> {
  const lines = readFileSync(join(ROOT, "docs", "migrating.md"), "utf8").split("\n");
  const programs: Array<{ line: number; mark: string; code: string }> = [];
  lines.forEach((text, i) => {
    const mark = /<!-- runs in npm test: (.+) -->/.exec(text)?.[1];
    if (!mark) return;
    const close = lines.indexOf("```", i + 2);
    programs.push({ line: i + 3, mark, code: lines.slice(i + 2, close).join("\n") });
  });
  return programs;
}

/**
 * Runs a program in a scratch folder whose `zeromq` is `zeromq` (a folder: the native package,
 * or one of packages/), plantrpc being this repository (symlinks, kept as such by Node for the
 * drop-in packages, whose `plantrpc` is found beside them; the native package finds its own
 * dependencies where it is installed).
 */
async function withZeromq(zeromq: string, code: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "plantrpc-migrating-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(zeromq, join(dir, "node_modules", "zeromq"));
  symlinkSync(ROOT, join(dir, "node_modules", "plantrpc"));
  writeFileSync(join(dir, "main.cjs"), code);
  const flags = zeromq.includes(join(ROOT, "packages")) ? ["--preserve-symlinks"] : [];
  return node([...flags, join(dir, "main.cjs")]).done;
}

describe.skipIf(!built)("docs/migrating.md programs", () => {
  const programs = migrationPrograms();
  it("there are both kinds", () => expect(programs.map((p) => p.mark)).toEqual(["before and after", "after, v5"]));
  const native = join(ROOT, "node_modules", "zeromq");
  for (const { line, mark, code } of programs) {
    it(`the block at docs/migrating.md:${line} (${mark})`, async () => {
      const runs: Run[] = [];
      if (mark === "before and after") {
        runs.push(await withZeromq(native, code), await withZeromq(join(ROOT, "packages", "zeromq"), code));
        expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
      } else {
        runs.push(await withZeromq(join(ROOT, "packages", "zeromq5"), code));
      }
      for (const run of runs) {
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        expect(run.stdout.length).toBeGreaterThan(0);
      }
    });
  }
});

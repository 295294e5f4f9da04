/**
 * The one-line switch on real programs: published packages that depend on `zeromq`, installed
 * from npm with the override to plantrpc-zeromq (v6 API) or plantrpc-zeromq5 (v5 API), and run
 * as their users run them: their own test suites, and a Jupyter kernel written for zeromq 5
 * driven by the Jupyter client nteract uses, written for zeromq 6. docs/migrating.md lists them.
 *
 * Needs the npm registry (to install the programs): without it, the tests are skipped, saying so.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack } from "./helpers/pack.js";

const ROOT = resolve(__dirname, "..");

/** The programs, at the versions proven; each project installs one API's drop-in. */
const V5_PROGRAMS = { zerorpc: "0.9.8", jmp: "2.0.0", "jp-kernel": "2.0.0" };
const V5_TOOLS = { nodeunit: "0.9.1", temp: "0.9.4", mocha: "10.8.2" };
const V6_PROGRAMS = { "enchannel-zmq-backend": "10.0.0", "@dashevo/dashd-zmq": "1.2.1" };
const V6_TOOLS = {
  mocha: "10.8.2",
  chai: "4.5.0",
  jest: "30.2.0",
  "ts-jest": "29.4.6",
  typescript: "5.9.3",
  "@types/jest": "30.0.0",
};

/** A project with these dependencies, `zeromq` overridden; undefined when npm could not install it. */
function project(dependencies: Record<string, string>, dropIn: string, plantrpc: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "plantrpc-programs-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "programs",
      private: true,
      dependencies,
      overrides: { zeromq: `file:${dropIn}`, plantrpc: `file:${plantrpc}` },
    }),
  );
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) {
    console.warn(`the programs could not be installed from npm (${(r.stderr || r.stdout).trim().split("\n").at(-1)})`);
    return undefined;
  }
  return dir;
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Runs a command in `cwd`; resolves with its exit code and output. */
function run(cwd: string, command: string, args: string[], timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      // Without the colours some reporters write even when told not to.
      done({ code, output: output.replace(ANSI_COLOUR, "") });
    });
  });
}

/** Free ports, chosen by the OS, for a Jupyter connection file. */
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    ports.push(
      await new Promise<number>((done) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
          const { port } = server.address() as import("node:net").AddressInfo;
          server.close(() => done(port));
        });
      }),
    );
  }
  return ports;
}

let v5: string | undefined;
let v6: string | undefined;
const stop: Array<() => void> = [];

beforeAll(() => {
  // npm test has built dist/; --ignore-scripts keeps pack from building again.
  const packs = mkdtempSync(join(tmpdir(), "plantrpc-programs-packs-"));
  const plantrpc = pack(ROOT, packs);
  v5 = project({ ...V5_PROGRAMS, ...V5_TOOLS }, pack(join(ROOT, "packages", "zeromq5"), packs), plantrpc);
  v6 = project({ ...V6_PROGRAMS, ...V6_TOOLS }, pack(join(ROOT, "packages", "zeromq"), packs), plantrpc);
}, 660_000);

afterAll(() => {
  for (const s of stop) s();
});

describe("programs written for zeromq 5 and 4, on plantrpc-zeromq5", () => {
  it("zerorpc 0.9.8 (zeromq 4's API): its own test suite passes", async ({ skip }) => {
    if (!v5) return skip("not installed");
    const { code, output } = await run(v5, "node_modules/.bin/nodeunit", ["node_modules/zerorpc/test"], 150_000);
    expect(output).toMatch(/OK: \d+ assertions/);
    expect(code).toBe(0);
  }, 180_000);

  it("jmp 2.0.0 (zeromq 5's API, sockets subclassed the pre-class way): its own test suite passes", async ({
    skip,
  }) => {
    if (!v5) return skip("not installed");
    // One test checks jmp's decoder against Node 0.x-6's error message for an oversized string,
    // which Node 8 and later word otherwise: it fails whatever the ZeroMQ, and opens no socket.
    const { code, output } = await run(
      v5,
      "node_modules/.bin/mocha",
      ["node_modules/jmp/test/index.js", "--grep", "toString failed", "--invert"],
      60_000,
    );
    expect(output).toMatch(/4 passing/);
    expect(code).toBe(0);
  }, 90_000);
});

describe("programs written for zeromq 6, on plantrpc-zeromq", () => {
  it("@dashevo/dashd-zmq 1.2.1: its own test suite passes (monitor events, connect retries)", async ({ skip }) => {
    if (!v6) return skip("not installed");
    const { code, output } = await run(
      join(v6, "node_modules", "@dashevo", "dashd-zmq"),
      join(v6, "node_modules", ".bin", "mocha"),
      ["--exit", "lib/**/*.spec.js"],
      90_000,
    );
    expect(output).toMatch(/12 passing/);
    expect(code).toBe(0);
  }, 120_000);

  it("enchannel-zmq-backend 10.0.0 (nteract's Jupyter client): its own test suite passes", async ({ skip }) => {
    if (!v6) return skip("not installed");
    // Jest does not look for tests below node_modules: the package is run from a copy beside it.
    const copy = join(v6, "enchannel");
    cpSync(join(v6, "node_modules", "enchannel-zmq-backend"), copy, { recursive: true });
    symlinkSync(join(v6, "node_modules"), join(copy, "node_modules"));
    const { code, output } = await run(copy, join(v6, "node_modules", ".bin", "jest"), ["--ci"], 120_000);
    expect(output).toMatch(/Tests:\s+9 passed, 9 total/);
    expect(code).toBe(0);
  }, 150_000);
});

describe("a kernel written for zeromq 5 driven by a client written for zeromq 6", () => {
  it("jp-kernel 2.0.0 answers nteract's enchannel-zmq-backend: kernel_info, then an execution", async ({ skip }) => {
    if (!v5 || !v6) return skip("not installed");
    const [shell, iopub, stdin, control, hb] = await freePorts(5);
    const connection = join(v5, "connection.json");
    writeFileSync(
      connection,
      JSON.stringify({
        version: 5,
        transport: "tcp",
        ip: "127.0.0.1",
        shell_port: shell,
        iopub_port: iopub,
        stdin_port: stdin,
        control_port: control,
        hb_port: hb,
        signature_scheme: "hmac-sha256",
        key: randomBytes(16).toString("hex"),
      }),
    );
    copyFileSync(join(__dirname, "programs", "jupyter-kernel.cjs"), join(v5, "kernel.cjs"));
    copyFileSync(join(__dirname, "programs", "jupyter-client.cjs"), join(v6, "client.cjs"));
    const kernel = spawn(process.execPath, ["kernel.cjs", connection], { cwd: v5 });
    stop.push(() => kernel.kill());
    await new Promise<void>((ready, failed) => {
      let out = "";
      kernel.stdout.on("data", (d) => {
        out += d;
        if (out.includes("ready")) ready();
      });
      kernel.once("exit", (code) => failed(new Error(`the kernel exited (${code}): ${out}`)));
    });
    const { code, output } = await run(v6, process.execPath, ["client.cjs", connection], 30_000);
    expect(output.trim()).toBe('[["kernel_info_reply","ok"],["execute_reply","ok"]]');
    expect(code).toBe(0);
  }, 60_000);
});

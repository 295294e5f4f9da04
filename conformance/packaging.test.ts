import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a script of ours in plain JavaScript, without declarations
import { brokenLinks } from "../scripts/doc-links.mjs";
import { pack } from "./helpers/pack.js";

const ROOT = resolve(__dirname, "..");
let tarball = "";
let project = "";

/** Every file below a folder, recursively. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function node(args: string[], cwd: string): string {
  return execFileSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 30000 });
}

// REQ/REP round trips over tcp and ws with the installed package: a consumer's first program.
const ROUND_TRIP = `
  const replies = [];
  for (const endpoint of ["tcp://127.0.0.1:*", "ws://127.0.0.1:*/rpc"]) {
    const rep = new zmq.Reply();
    await rep.bind(endpoint);
    const req = new zmq.Request();
    req.connect(rep.lastEndpoint);
    await req.send("ping");
    const [msg] = await rep.receive();
    await rep.send(msg.toString() + "-pong");
    const [reply] = await req.receive();
    replies.push(reply.toString());
    req.close();
    rep.close();
  }
  console.log(replies.join(","), typeof plantrpc.RPCServer, typeof plantrpc.zmq.Dealer);
`;

describe("the published package", () => {
  beforeAll(() => {
    tarball = pack(ROOT, mkdtempSync(join(tmpdir(), "plantrpc-pack-")));
    project = mkdtempSync(join(tmpdir(), "plantrpc-consumer-"));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: project,
      stdio: "ignore",
    });
  }, 120000);

  it("installs with nothing but libsodium's WebAssembly build and @noble/ciphers, and no native code", () => {
    expect(readdirSync(join(project, "node_modules")).filter((n) => !n.startsWith("."))).toEqual([
      "@noble",
      "libsodium",
      "libsodium-wrappers",
      "plantrpc",
    ]);
    const native = filesBelow(join(project, "node_modules")).filter(
      (f) => f.endsWith(".node") || f.endsWith("binding.gyp"),
    );
    expect(native).toEqual([]);
  });

  it("speaks CURVE from the installed package, to require() and import (libsodium loaded on demand)", () => {
    const curve = `
      const server = zmq.curveKeyPair();
      const rep = new zmq.Reply({ curveServer: true, curveSecretKey: server.secretKey });
      await rep.bind("tcp://127.0.0.1:*");
      const req = new zmq.Request({ curveServerKey: server.publicKey });
      req.connect(rep.lastEndpoint);
      await req.send("secret");
      const [msg] = await rep.receive();
      await rep.send(msg.toString() + "-pong");
      console.log(String((await req.receive())[0]));
      req.close();
      rep.close();`;
    expect(node(["-e", `const zmq = require("plantrpc/zmq"); (async () => { ${curve} })();`], project).trim()).toBe(
      "secret-pong",
    );
    expect(node(["--input-type=module", "-e", `import * as zmq from "plantrpc/zmq"; ${curve}`], project).trim()).toBe(
      "secret-pong",
    );
  });

  it("works from CommonJS: require('plantrpc/zmq') and require('plantrpc')", () => {
    const script = `const zmq = require("plantrpc/zmq"); const plantrpc = require("plantrpc"); (async () => { ${ROUND_TRIP} })();`;
    expect(node(["-e", script], project).trim()).toBe("ping-pong,ping-pong function function");
  });

  it("works from ES modules: import from 'plantrpc/zmq' and 'plantrpc'", () => {
    const script = `import * as zmq from "plantrpc/zmq"; import * as plantrpc from "plantrpc"; ${ROUND_TRIP}`;
    expect(node(["--input-type=module", "-e", script], project).trim()).toBe("ping-pong,ping-pong function function");
  });

  it("offers the v5 callback API as plantrpc/zmq/v5-compat, to require() and import", () => {
    const v5 = `
      const rep = zmq.socket("rep");
      rep.on("message", (m) => rep.send(m + "-pong"));
      rep.bind("tcp://127.0.0.1:*", () => {
        const req = zmq.socket("req");
        req.on("message", (m) => { console.log(String(m)); req.close(); rep.close(); });
        req.connect(rep.last_endpoint);
        req.send("ping");
      });
    `;
    expect(node(["-e", `const zmq = require("plantrpc/zmq/v5-compat"); ${v5}`], project).trim()).toBe("ping-pong");
    expect(
      node(["--input-type=module", "-e", `import * as zmq from "plantrpc/zmq/v5-compat"; ${v5}`], project).trim(),
    ).toBe("ping-pong");
  });

  it("plantrpc/browser, imported or required under Node (server-side rendering, a test runner), lets the process end", () => {
    const script = 'const m = await import("plantrpc/browser"); console.log(typeof m.RPCClient);';
    expect(node(["--input-type=module", "-e", script], project).trim()).toBe("function");
    // The CommonJS copy, for what require()s the browser build (Jest's jsdom environment).
    const required = 'const m = require("plantrpc/browser"); console.log(typeof m.RPCClient, typeof m.zmq.Dealer);';
    expect(node(["-e", required], project).trim()).toBe("function function");
  });

  it("the browser build's types need no @types/node, and keep received frames typed (not `any`)", () => {
    const web = mkdtempSync(join(project, "web-"));
    const program = `
      import { RPCClient, zmq } from "plantrpc";
      import * as browser from "plantrpc/browser";
      export async function first(): Promise<[string, number]> {
        const client: RPCClient = await browser.RPCClient.connect("ws://127.0.0.1:1/camera");
        client.close();
        const dealer = new zmq.Dealer();
        const [frame] = await dealer.receive();
        // @ts-expect-error: a frame is a Buffer (a Uint8Array with Node's methods), not \`any\`
        frame!.notAMethod();
        return [frame!.toString("hex"), frame!.readUInt32BE(0) + frame!.length];
      }
      export const client: typeof RPCClient = RPCClient;
    `;
    writeFileSync(join(web, "page.ts"), program);
    writeFileSync(
      join(web, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          customConditions: ["browser"],
          lib: ["es2022", "dom"],
          types: [],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ["page.ts"],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", web], {
      encoding: "utf8",
      timeout: 60000,
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 60000);

  it('a bundler building for the browser takes the browser build for `import ... from "plantrpc"`', async () => {
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      stdin: { contents: 'import { RPCClient } from "plantrpc"; console.log(typeof RPCClient);', resolveDir: project },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*"node:/);
  });

  it("ships every file its README and documents link to (npm shows the README)", () => {
    const shipped = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
      .split("\n")
      .filter((f) => f.startsWith("package/") && !f.endsWith("/"))
      .map((f) => f.slice("package/".length));
    expect(shipped).toEqual(expect.arrayContaining(["README.md", "docs/bundling.md", "docs/dashboard.png", "LICENSE"]));
    expect(brokenLinks(join(project, "node_modules", "plantrpc"), shipped)).toEqual([]);
  });

  it("installs the plantrpc command", () => {
    const help = execFileSync(join(project, "node_modules", ".bin", "plantrpc"), ["--help"], { encoding: "utf8" });
    expect(help).toMatch(/plantrpc call <url> <method>/);
  });

  it("passes publint and are-the-types-wrong (types for require and import, node10 to bundlers)", () => {
    const publint = spawnSync("npx", ["publint", "--strict"], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
    expect(publint.stdout + publint.stderr).toMatch(/All good/);
    expect(publint.status).toBe(0);
    // Every entry, plantrpc/browser included (its CommonJS copy and types for require()).
    const attw = spawnSync("npx", ["attw", tarball], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60000,
    });
    expect(attw.stdout + attw.stderr).toMatch(/No problems found/);
    expect(attw.status).toBe(0);
  }, 120000);
});

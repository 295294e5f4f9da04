/**
 * The one-line switch: packages whose root is the `zeromq` API (plantrpc-zeromq: v6, with
 * /v5-compat and /draft; plantrpc-zeromq5: the v5 callback API), packed from this repository and
 * installed into scratch projects with npm's `overrides`, so that a library depending on
 * `zeromq` gets plantrpc. Used from require(), import (named and default) and TypeScript.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pack } from "./helpers/pack.js";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const TSC = join(ROOT, "node_modules", ".bin", "tsc");
const TYPE_ROOTS = join(ROOT, "node_modules", "@types");

/** A library of someone else's that depends on `zeromq` at `range` and hands it on as it is. */
function dependent(name: string, range: string, into: string): string {
  const dir = join(into, `${name}-${range.replace(/\W/g, "")}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", main: "index.js", dependencies: { zeromq: range } }),
  );
  writeFileSync(join(dir, "index.js"), 'module.exports = require("zeromq");\n');
  return pack(dir, dir);
}

/**
 * A project that depends on `zeromq` directly (as the drop-in package) and through a library,
 * the override switching both: the recipe of docs/migrating.md.
 */
function project(dropIn: string, plantrpc: string, library: string): string {
  const dir = mkdtempSync(join(tmpdir(), "plantrpc-dropin-project-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "project",
      private: true,
      dependencies: { zeromq: `file:${dropIn}`, library: `file:${library}` },
      overrides: { zeromq: "$zeromq", plantrpc: `file:${plantrpc}` },
    }),
  );
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, stdio: "ignore" });
  return dir;
}

function node(args: string[], cwd: string): string {
  return execFileSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 30000 }).trim();
}

function typecheck(cwd: string, files: string[], flags: string[]): string {
  try {
    execFileSync(TSC, ["--noEmit", "--strict", "--types", "node", "--typeRoots", TYPE_ROOTS, ...flags, ...files], {
      cwd,
      encoding: "utf8",
    });
    return "ok";
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

// A REQ/REP round trip over tcp, from the v6 API as the native package's users write it.
const V6_ROUND_TRIP = `
  const rep = new zmq.Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const req = new zmq.Request();
  req.connect(rep.lastEndpoint);
  await req.send("ping");
  const [msg] = await rep.receive();
  await rep.send(msg.toString() + "-pong");
  const [reply] = await req.receive();
  console.log(reply.toString());
  req.close();
  rep.close();
`;

// The same in the v5 callback API.
const V5_ROUND_TRIP = `
  const rep = zmq.socket("rep");
  rep.on("message", (m) => rep.send(m + "-pong"));
  rep.bind("tcp://127.0.0.1:*", () => {
    const req = zmq.socket("req");
    req.on("message", (m) => { console.log(String(m)); req.close(); rep.close(); });
    req.connect(rep.last_endpoint);
    req.send("ping");
  });
`;

describe("plantrpc-zeromq and plantrpc-zeromq5, through npm overrides", () => {
  let v6 = "";
  let v5 = "";

  beforeAll(() => {
    // npm test has built dist/; --ignore-scripts keeps pack from building again.
    const packs = mkdtempSync(join(tmpdir(), "plantrpc-dropin-packs-"));
    const plantrpc = pack(ROOT, packs);
    v6 = project(pack(join(ROOT, "packages", "zeromq"), packs), plantrpc, dependent("library", "^6.0.0", packs));
    v5 = project(pack(join(ROOT, "packages", "zeromq5"), packs), plantrpc, dependent("library", "^5.0.0", packs));
  }, 180_000);

  it("keep their version and their plantrpc dependency in step with plantrpc's", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const name of ["zeromq", "zeromq5"]) {
      const manifest = JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8")) as {
        version: string;
        dependencies: Record<string, string>;
      };
      expect([manifest.version, manifest.dependencies.plantrpc]).toEqual([version, version]);
    }
  });

  it("v6: the library and the project get the same module, to require() and import (named and default)", () => {
    expect(node(["-e", 'console.log(require("library") === require("zeromq"))'], v6)).toBe("true");
    expect(node(["-e", `const zmq = require("zeromq"); (async () => { ${V6_ROUND_TRIP} })();`], v6)).toBe("ping-pong");
    const imports = `
      import zmq, { Request, Reply } from "zeromq";
      import library from "library";
      import v5, { socket } from "zeromq/v5-compat";
      import draft from "zeromq/draft";
      console.log(zmq === library, Request === zmq.Request && Reply === zmq.Reply, socket === v5.socket, typeof draft.Radio);
      ${V6_ROUND_TRIP}
    `;
    expect(node(["--input-type=module", "--no-warnings", "-e", imports], v6)).toBe(
      "true true true function\nping-pong",
    );
    expect(node(["-e", `const zmq = require("zeromq/v5-compat"); ${V5_ROUND_TRIP}`], v6)).toBe("ping-pong");
  });

  it("v6: a program that imports plantrpc/zmq (ES module) takes the sockets and errors of a library's zeromq (CommonJS)", () => {
    const script = `
      import { createRequire } from "node:module";
      import * as esm from "plantrpc/zmq";
      const cjs = createRequire(import.meta.url)("zeromq");
      const front = new cjs.Router();
      const back = new cjs.Dealer();
      await front.bind("inproc://mixed-front");
      await back.bind("inproc://mixed-back");
      const proxy = new esm.Proxy(front, back);
      const running = proxy.run();
      const events = new esm.Observer(front);
      proxy.terminate();
      await running;
      console.log(proxy instanceof esm.Proxy, events === front.events, front.closed);
      // Errors of one build are instances of the other's classes too.
      const rpc = await import("plantrpc");
      const cjsRpc = createRequire(import.meta.url)("plantrpc");
      console.log(
        new cjs.ZmqError("EAGAIN", "x") instanceof esm.ZmqError,
        new cjs.AuthError(400, "no") instanceof esm.ZmqError,
        new cjs.ZmqError("EAGAIN", "x") instanceof esm.AuthError,
        new cjsRpc.RpcTimeoutError("call", 5) instanceof rpc.RpcError,
        new Error("x") instanceof esm.ZmqError,
      );
    `;
    expect(node(["--input-type=module", "-e", script], v6)).toBe("true true true\ntrue true false true false");
  });

  it("v6: TypeScript sees the native package's types, in every module resolution", () => {
    writeFileSync(
      join(v6, "esm.mts"),
      'import zmq, { Dealer } from "zeromq";\nimport { socket } from "zeromq/v5-compat";\nimport { Radio } from "zeromq/draft";\n' +
        'export const d: Dealer = new zmq.Dealer();\nexport const s = socket("req");\nexport const r = new Radio();\n',
    );
    writeFileSync(
      join(v6, "cjs.cts"),
      'import zmq = require("zeromq");\nimport v5 = require("zeromq/v5-compat");\nexport const d: zmq.Dealer = new zmq.Dealer();\n' +
        'v5.socket("req").on("message", (...frames: Buffer[]) => frames.length);\n',
    );
    writeFileSync(
      join(v6, "old.ts"),
      'import * as zmq from "zeromq";\nexport const d = new zmq.Dealer({ linger: 0 });\n',
    );
    expect(typecheck(v6, ["esm.mts", "cjs.cts"], ["--module", "nodenext", "--moduleResolution", "nodenext"])).toBe(
      "ok",
    );
    expect(typecheck(v6, ["old.ts"], ["--module", "commonjs", "--moduleResolution", "node10"])).toBe("ok");
    expect(typecheck(v6, ["esm.mts"], ["--module", "esnext", "--moduleResolution", "bundler"])).toBe("ok");
    // And a program that is wrong is refused: the types are not `any`.
    writeFileSync(join(v6, "wrong.mts"), 'import zmq from "zeromq";\nnew zmq.Dealer({ linger: "long" });\n');
    expect(typecheck(v6, ["wrong.mts"], ["--module", "nodenext", "--moduleResolution", "nodenext"])).toMatch(
      /wrong\.mts.*error TS/,
    );
  }, 120_000);

  it("v5: the root is the callback API, for the library and the project alike", () => {
    expect(node(["-e", 'console.log(require("library") === require("zeromq"))'], v5)).toBe("true");
    expect(node(["-e", `const zmq = require("zeromq"); ${V5_ROUND_TRIP}`], v5)).toBe("ping-pong");
    expect(
      node(
        [
          "--input-type=module",
          "-e",
          `import zmq from "zeromq"; import { socket } from "zeromq"; console.log(socket === zmq.socket); ${V5_ROUND_TRIP}`,
        ],
        v5,
      ),
    ).toBe("true\nping-pong");
    writeFileSync(
      join(v5, "v5.cts"),
      'import zmq = require("zeromq");\nzmq.socket("pub").bindSync("tcp://127.0.0.1:*");\n',
    );
    expect(typecheck(v5, ["v5.cts"], ["--module", "nodenext", "--moduleResolution", "nodenext"])).toBe("ok");
  }, 60_000);

  it("v5: a socket subclassed the pre-class way, as zeromq 5 allowed (zmq.Socket.call(this, type))", () => {
    const script = `
      const zmq = require("zeromq");
      const util = require("node:util");
      function Requester() { zmq.Socket.call(this, "req"); }
      util.inherits(Requester, zmq.Socket);
      function Replier() { zmq.Socket.call(this, "rep"); }
      Replier.prototype = Object.create(zmq.Socket.prototype);
      Replier.prototype.constructor = Replier;
      Replier.prototype.init = function () { throw new Error("a method of the subclass's own, never called"); };
      const rep = new Replier();
      rep.on("message", (m) => rep.send(m + "-pong"));
      rep.bind("tcp://127.0.0.1:*", () => {
        const req = new Requester();
        req.on("message", (m) => {
          console.log(String(m), req instanceof zmq.Socket, typeof zmq.Socket("push").send);
          req.close();
          rep.close();
        });
        req.connect(rep.last_endpoint);
        req.send("ping");
      });
    `;
    expect(node(["-e", script], v5)).toBe("ping-pong true function");
  });
});

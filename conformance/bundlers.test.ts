/**
 * docs/bundling.md, proven: the packed package installed in a scratch project, a program for
 * Node and a web page's script (conformance/bundles/) bundled by esbuild, rollup, Vite and
 * webpack as that page says, each bundle run: under Node (RPC over tcp, CURVE with its worker
 * thread beside the bundle) and in Chromium (RPC over ws://). No bundler may warn, and no page
 * bundle may carry libsodium. The Chromium half is skipped, saying so, without Chromium.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RPCServer } from "../src/index.js";
import { pack } from "./helpers/pack.js";

const ROOT = resolve(__dirname, "..");
const FIXTURES = join(__dirname, "bundles");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`bundled pages not run: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

let project = "";
/** CURVE's worker script, a second entry point of each Node bundle (docs/bundling.md). */
let WORKER = "";

type Target = "node" | "web";
/** Builds conformance/bundles/ for `target` into `out`; resolves to what the tool warned. */
type Bundler = (target: Target, project: string, out: string) => Promise<string[]>;

const esbuildBundle: Bundler = async (target, dir, out) => {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints:
      target === "node" ? { app: join(dir, "node-app.mjs"), "curve-worker": WORKER } : { page: join(dir, "page.mjs") },
    bundle: true,
    platform: target === "node" ? "node" : "browser",
    format: "esm",
    outdir: out,
    outExtension: { ".js": target === "node" ? ".mjs" : ".js" },
    logLevel: "silent",
  });
  return result.warnings.map((w) => w.text);
};

const rollupBundle: Bundler = async (target, dir, out) => {
  const { rollup } = await import("rollup");
  const { nodeResolve } = await import("@rollup/plugin-node-resolve");
  const warnings: string[] = [];
  const build = await rollup({
    input:
      target === "node" ? { app: join(dir, "node-app.mjs"), "curve-worker": WORKER } : { page: join(dir, "page.mjs") },
    plugins: [target === "node" ? nodeResolve({ exportConditions: ["node"] }) : nodeResolve({ browser: true })],
    external: target === "node" ? [/^node:/] : [],
    onwarn: (w) => void warnings.push(w.message),
  });
  await build.write({
    dir: out,
    format: "es",
    entryFileNames: target === "node" ? "[name].mjs" : "[name].js",
    chunkFileNames: "[name]-[hash].mjs", // libsodium, imported on demand: an ES module too
  });
  await build.close();
  return warnings;
};

const viteBundle: Bundler = async (target, dir, out) => {
  const vite = await import("vite");
  const warnings: string[] = [];
  const logger = vite.createLogger("warn");
  logger.warn = (m) => void warnings.push(m);
  logger.warnOnce = (m) => void warnings.push(m);
  await vite.build({
    root: dir,
    base: "./", // the page is served from a folder of its own
    configFile: false,
    customLogger: logger,
    logLevel: "warn",
    build:
      target === "node"
        ? {
            ssr: true,
            outDir: out,
            rollupOptions: {
              input: { app: join(dir, "node-app.mjs"), "curve-worker": WORKER },
              output: { entryFileNames: "[name].mjs", chunkFileNames: "[name]-[hash].mjs" },
            },
          }
        : { outDir: out, emptyOutDir: true },
    ...(target === "node" ? { ssr: { noExternal: true, target: "node" as const } } : {}),
  });
  return warnings;
};

const webpackBundle: Bundler = async (target, dir, out) => {
  const { default: webpack } = await import("webpack");
  const compiler = webpack({
    mode: "production",
    context: dir,
    entry:
      target === "node" ? { app: join(dir, "node-app.mjs"), "curve-worker": WORKER } : { page: join(dir, "page.mjs") },
    target: target === "node" ? "node20" : "web",
    output:
      target === "node"
        ? {
            path: out,
            filename: "[name].mjs",
            chunkFilename: "[name]-[contenthash].mjs",
            module: true,
            chunkFormat: "module",
          }
        : { path: out, filename: "[name].js" },
    experiments: { outputModule: target === "node" },
    infrastructureLogging: { level: "error" },
  });
  const stats = await new Promise<import("webpack").Stats>((done, fail) =>
    compiler.run((e, s) => (e || !s ? fail(e) : done(s))),
  );
  await new Promise<void>((done) => compiler.close(() => done()));
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(info.errors?.map((e) => e.message).join("\n"));
  return (info.warnings ?? []).map((w) => w.message);
};

const BUNDLERS: Array<[string, Bundler]> = [
  ["esbuild", esbuildBundle],
  ["rollup", rollupBundle],
  ["vite", viteBundle],
  ["webpack", webpackBundle],
];

/** Every file below `dir`. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "plantrpc-bundlers-"));
  cpSync(FIXTURES, project, { recursive: true });
  const tarball = pack(ROOT, mkdtempSync(join(tmpdir(), "plantrpc-pack-")));
  execFileSync("npm", ["init", "-y"], { cwd: project, stdio: "ignore" });
  WORKER = join(project, "node_modules", "plantrpc", "dist", "zmq", "mechanism", "curve", "curve-worker.mjs");
  execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: project,
    stdio: "ignore",
  });
}, 120000);

describe("bundled for Node, as docs/bundling.md says", () => {
  for (const [name, bundle] of BUNDLERS) {
    it(`${name}: the bundle runs alone (RPC over tcp, CURVE with its worker thread)`, async () => {
      const out = join(project, "out", `${name}-node`);
      mkdirSync(out, { recursive: true });
      expect(await bundle("node", project, out)).toEqual([]);
      // Alone: away from the project and its node_modules, as a program is deployed.
      const deployed = mkdtempSync(join(tmpdir(), `plantrpc-${name}-deployed-`));
      cpSync(out, deployed, { recursive: true });
      const run = spawnSync(process.execPath, [join(deployed, "app.mjs")], {
        cwd: deployed,
        encoding: "utf8",
        timeout: 30000,
      });
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout)).toEqual({ sum: 5, curve: 1 << 20, curveThreads: 1 });
      expect(run.status).toBe(0);
    }, 60000);
  }
});

describe("side effects declared where they are (package.json sideEffects)", () => {
  it("a program using curveKeyPair alone bundles to under 2 KB, and runs", async () => {
    const esbuild = await import("esbuild");
    const out = join(project, "out", "keys-only.mjs");
    await esbuild.build({
      stdin: {
        contents: 'import { curveKeyPair } from "plantrpc/zmq"; console.log(curveKeyPair().publicKey.length);',
        resolveDir: project,
      },
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "silent",
    });
    // The key pair code, Z85, the pool of random octets and RFC 7748's check of the runtime's
    // derivation (key pairs are not generateKeyPairSync's: Node 20 can deadlock exporting
    // those): about 1.8 KB.
    expect(statSync(out).size).toBeLessThan(2048);
    expect(execFileSync(process.execPath, [out], { encoding: "utf8" }).trim()).toBe("40");
  });

  it("new Socket(type) in such a bundle says which class was left out", async () => {
    const esbuild = await import("esbuild");
    const out = join(project, "out", "socket-by-number.mjs");
    const program =
      'import { Pull, Socket } from "plantrpc/zmq";' +
      "const pull = new Socket(7); console.log(pull instanceof Pull); pull.close();" +
      "try { new Socket(5); } catch (e) { console.log(e.code, e.detail); }";
    await esbuild.build({
      stdin: { contents: program, resolveDir: project },
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "silent",
    });
    const [pulled, dealer] = execFileSync(process.execPath, [out], { encoding: "utf8" }).trim().split("\n");
    expect(pulled).toBe("true");
    expect(dealer).toMatch(/^EINVAL .*no socket class of type 5 is loaded/);
  });

  it("the draft API's warning stays in a bundle that imports it, even for its effect alone", async () => {
    const esbuild = await import("esbuild");
    const out = join(project, "out", "draft.mjs");
    await esbuild.build({
      stdin: { contents: 'import "plantrpc/zmq/draft";', resolveDir: project },
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "silent",
    });
    const run = spawnSync(process.execPath, [out], { encoding: "utf8", timeout: 30000 });
    expect(run.stderr).toMatch(/draft features are experimental/);
  });
});

describe("bundled for a web page, as docs/bundling.md says", () => {
  let device: RPCServer;
  let browser: Browser | undefined;
  let pages: http.Server;
  let origin = "";
  /** What the static server serves: /<tool>/... from project/out/<tool>-web/. */
  const MIME: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript" };

  beforeAll(async () => {
    pages = http.createServer((req, res) => {
      const path = join(project, "out", decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
      const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "index.html") : path;
      if (!file.startsWith(join(project, "out")) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": MIME[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
    });
    await new Promise<void>((r) => pages.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    device = new RPCServer({
      url: "tcp://127.0.0.1",
      web: "ws://127.0.0.1:0",
      webAccess: { allowedOrigins: [origin] },
    });
    device.registerMethodJson("add", (a: number, b: number) => a + b, { params: ["a", "b"] });
    await device.start();
    void device.serveForever();
    if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    pages?.close();
    device?.close();
  });

  for (const [name, bundle] of BUNDLERS) {
    it(`${name}: takes the browser build, without libsodium, and the page calls a device`, async () => {
      const out = join(project, "out", `${name}-web`);
      mkdirSync(out, { recursive: true });
      expect(await bundle("web", project, out)).toEqual([]);
      // Vite builds the page from index.html (conformance/bundles/); the others are given one.
      if (name !== "vite") {
        writeFileSync(join(out, "index.html"), '<!doctype html><script type="module" src="./page.js"></script>');
      }
      const scripts = filesBelow(out).filter((f) => /\.m?js$/.test(f));
      const text = scripts.map((f) => readFileSync(f, "utf8")).join("\n");
      // No CURVE module (400-600 KB of WebAssembly) and no Node module in a page's bundle.
      expect(/(import\(|from|require\()\s*["'][^"']*libsodium/.test(text)).toBe(false);
      expect(/["']node:[a-z]/.test(text)).toBe(false);
      expect(text.length).toBeLessThan(300 * 1024);
      if (!browser) return;
      const page = await browser.newPage();
      try {
        const errors: string[] = [];
        page.on("pageerror", (e) => void errors.push(String(e)));
        const deviceUrl = device.webEndpoints!.methods;
        await page.goto(`${origin}/${name}-web/index.html?device=${encodeURIComponent(deviceUrl)}`);
        await page.waitForFunction(() => "result" in globalThis, undefined, { timeout: 15000 });
        expect(await page.evaluate(() => (globalThis as { result?: unknown }).result)).toEqual({ sum: 5 });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 60000);
  }
});

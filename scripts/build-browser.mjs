// The browser builds: one ES module bundle of plantrpc (RPC client and server API, registry
// client, and `zmq`), with no Node module left in it, and the dashboard's page script (served by
// `plantrpc web` from its own origin). `node scripts/build-browser.mjs` (run by `npm run build`);
// prints each bundle's size, raw and gzipped.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = (p) => join(root, "src", p);

/** What stands in for Node's modules and our Node-only files in a web page (see src/browser/). */
const browserPlugin = {
  name: "plantrpc-browser",
  setup(build) {
    const replaced = {
      "node:timers": src("browser/timers.ts"),
      "node:os": src("browser/os.ts"),
      "node:worker_threads": src("browser/worker_threads.ts"),
    };
    build.onResolve({ filter: /^node:(timers|os|worker_threads)$/ }, (args) => ({ path: replaced[args.path] }));
    build.onResolve({ filter: /^node:buffer$/ }, () => ({
      path: join(root, "node_modules", "buffer", "index.js"),
    }));
    build.onResolve({ filter: /\/transport\/index\.js$/ }, () => ({ path: src("zmq/transport/index.browser.ts") }));
    build.onResolve({ filter: /\/common\/systemd\.js$/ }, () => ({ path: src("browser/systemd.ts") }));
    build.onResolve({ filter: /\/curve-keypair\.js$/ }, () => ({ path: src("zmq/curve-keypair.browser.ts") }));
    // A page has no files: certificates and password files are refused there (ENOTSUP).
    build.onResolve({ filter: /^\.\/files\.js$/ }, (args) =>
      args.importer.startsWith(src("zmq/auth/")) ? { path: src("zmq/auth/files.browser.ts") } : undefined,
    );
    build.onResolve({ filter: /\/curve-pool\.js$/ }, () => ({
      path: src("zmq/mechanism/curve/curve-pool.browser.ts"),
    }));
    // CURVE's WebAssembly module stays out of the page bundle, and so does any import of it
    // (a bundler would emit it for every page): pages speak NULL (over ws://).
    build.onResolve({ filter: /\/curve-sodium\.js$/ }, () => ({
      path: src("zmq/mechanism/curve/curve-sodium.browser.ts"),
    }));
    build.onResolve({ filter: /^libsodium-wrappers$/ }, (args) => ({
      errors: [{ text: `libsodium-wrappers is left out of the browser build (imported by ${args.importer})` }],
    }));
    build.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} is not available in a web page (imported by ${args.importer})` }],
    }));
  },
};

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
// The CommonJS copy is for what require()s the browser build (Jest's jsdom environment, older
// bundler setups); pages take the ES module.
for (const [entry, name, format] of [
  ["index.ts", "plantrpc.js", "esm"],
  ["index.ts", "plantrpc.cjs", "cjs"],
  ["web/page/dashboard.ts", "dashboard.js", "esm"],
]) {
  const outfile = join(root, "dist", "browser", name);
  await esbuild.build({
    entryPoints: [src(entry)],
    bundle: true,
    format,
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    outfile,
    plugins: [browserPlugin],
    logLevel: "warning",
  });
  const bytes = readFileSync(outfile);
  // On stderr: the build runs in `npm pack`, whose --json output is stdout.
  console.error(`dist/browser/${name}: ${kib(bytes.length)} (${kib(gzipSync(bytes).length)} gzipped)`);
}

// The browser build's type declarations (dist/browser/types/, and a CommonJS copy in
// dist/browser/types-cjs/): the declarations that dist/index.d.ts reaches, with each node:
// module they name replaced by a small declaration of our own (src/browser/types/), so that a
// web project type-checks without @types/node, and received frames keep their type (Buffer, a
// Uint8Array with Node's methods) instead of becoming `any` under skipLibCheck.
// `node scripts/build-browser-types.mjs` after tsc (run by `npm run build`).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const shims = join(root, "src", "browser", "types");
const SHIMMED = new Set(["buffer"]);
const SPECIFIER = /(from\s+|import\()(["'])([^"']+)\2/g;

/** The declaration files dist/index.d.ts reaches, by path relative to dist/. */
function reached(entry) {
  const seen = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, , , spec] of readFileSync(join(dist, file), "utf8").matchAll(SPECIFIER)) {
      if (!spec.startsWith(".")) continue;
      const target = posix.join(posix.dirname(file), spec.replace(/\.js$/, ".d.ts"));
      if (!existsSync(join(dist, target))) throw new Error(`${file}: ${spec} has no declaration file`);
      pending.push(target);
    }
  }
  return [...seen];
}

/** `text` with node:x replaced by the path, from `file`, of our declaration of x. */
function shimmed(file, text) {
  return text.replace(SPECIFIER, (whole, lead, quote, spec) => {
    if (!spec.startsWith("node:")) return whole;
    const name = spec.slice("node:".length);
    if (!SHIMMED.has(name)) throw new Error(`${file} names ${spec}: add src/browser/types/${name}.d.ts`);
    let path = posix.relative(posix.dirname(file), `node/${name}.js`);
    if (!path.startsWith(".")) path = `./${path}`;
    return `${lead}${quote}${path}${quote}`;
  });
}

const files = reached("index.d.ts");
for (const [folder, type] of [
  ["types", "module"],
  ["types-cjs", "commonjs"],
]) {
  const out = join(dist, "browser", folder);
  rmSync(out, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    let text = shimmed(file, readFileSync(join(dist, file), "utf8"));
    // Clients, servers and sockets are Disposable (`using`): TypeScript's own declaration of
    // Symbol.dispose, which a web project's lib (ES2022, DOM) lacks and @types/node gives Node's.
    if (file === "index.d.ts") text = `/// <reference lib="esnext.disposable" />\n${text}`;
    writeFileSync(join(out, file), text);
  }
  mkdirSync(join(out, "node"), { recursive: true });
  for (const name of SHIMMED) copyFileSync(join(shims, `${name}.d.ts`), join(out, "node", `${name}.d.ts`));
  writeFileSync(join(out, "package.json"), `${JSON.stringify({ type })}\n`);
  console.error(`dist/browser/${folder}: ${files.length} declaration files (${relative(root, shims)} for node:)`);
}

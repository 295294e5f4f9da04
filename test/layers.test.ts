import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(__dirname, "..", "src");

/**
 * The layers, lowest first: a module may import its own layer and those below it, never one
 * above. `plantrpc/zmq` stands alone on `util`; the RPC layer knows nothing of the registry.
 */
const LAYERS = [
  "browser",
  "util",
  "zmq",
  "common",
  "rpc",
  "registry",
  "check",
  "bench",
  "gateway",
  "web",
  "demo",
  "cli",
  "(root)",
] as const;

function layerOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? "(root)" : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Relative imports of a file (static, re-exports and dynamic), resolved to files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s));
}

describe("layers", () => {
  const files = sourceFiles(SRC);

  it("every source file belongs to a known layer", () => {
    const unknown = files.map(layerOf).filter((l) => !(LAYERS as readonly string[]).includes(l));
    expect(unknown).toEqual([]);
  });

  it("no module imports a layer above its own", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = LAYERS.indexOf(layerOf(file) as (typeof LAYERS)[number]);
      for (const target of importsOf(file)) {
        const to = LAYERS.indexOf(layerOf(target) as (typeof LAYERS)[number]);
        if (to > from) violations.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("other layers reach the ZeroMQ layer through its entries only (index.ts, internal.ts)", () => {
    const entries = new Set([join(SRC, "zmq", "index.ts"), join(SRC, "zmq", "internal.ts")]);
    const violations: string[] = [];
    for (const file of files) {
      if (layerOf(file) === "zmq") continue;
      for (const target of importsOf(file)) {
        const ts = target.replace(/\.js$/, ".ts");
        if (layerOf(ts) === "zmq" && !entries.has(ts))
          violations.push(`${relative(SRC, file)} imports ${relative(SRC, ts)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the check itself sees imports (a file known to import zmq)", () => {
    const server = files.find((f) => f.endsWith(join("rpc", "server.ts")))!;
    expect(importsOf(server).some((t) => layerOf(t) === "zmq")).toBe(true);
  });
});

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

/**
 * The strongly connected groups of more than one file: each is an import cycle (type-only
 * imports count: they bind the files' meaning as much). Tarjan's algorithm.
 */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * The inner floors of the ZeroMQ layer, lowest first (a folder, or a file at its root): a module
 * may import its own floor and those below, never one above. The context sits under the sockets
 * (they read its defaults; it owns the ZAP client and the CURVE workers, built from the engine
 * layer); the API files (index.ts...) sit on top.
 */
const ZMQ_FLOORS: readonly (readonly string[])[] = [
  ["util"],
  ["errors.ts"],
  ["codec"],
  ["transport"],
  ["mechanism"],
  ["engine"],
  ["routing"],
  ["context.ts"],
  ["socket", "events.ts"],
  ["observer.ts", "proxy.ts", "capability.ts", "curve-keypair.ts", "curve-keypair.browser.ts", "auth"],
  ["compat"],
  ["index.ts", "internal.ts", "draft.ts", "entry.ts", "draft-entry.ts"],
];

/** The floor of a file of src/zmq (its folder, or its own name at the root); -1 outside src/zmq. */
function zmqFloor(file: string): number {
  const parts = relative(join(SRC, "zmq"), file.replace(/\.js$/, ".ts")).split(sep);
  if (parts[0] === ".." || parts.length === 0) return -1;
  return ZMQ_FLOORS.findIndex((floor) => floor.includes(parts[0]!));
}

const relativeName = (file: string): string => relative(SRC, file).split(sep).join("/");

describe("import cycles and the floors of src/zmq", () => {
  it("finds a cycle where there is one, and none in a chain", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c"]]);
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("src/ has no import cycle", () => {
    const files = sourceFiles(SRC);
    const graph = new Map(
      files.map((f) => [relativeName(f), importsOf(f).map((t) => relativeName(t.replace(/\.js$/, ".ts")))]),
    );
    expect(cycles(graph)).toEqual([]);
  });

  it("every file of src/zmq is on a floor", () => {
    const zmqFiles = sourceFiles(join(SRC, "zmq"));
    expect(zmqFiles.filter((f) => zmqFloor(f) < 0).map(relativeName)).toEqual([]);
  });

  it("the floor check sees imports across floors (the sockets read the context, below them)", () => {
    const core = join(SRC, "zmq", "socket", "socket-core.ts");
    const context = ZMQ_FLOORS.findIndex((floor) => floor.includes("context.ts"));
    expect(importsOf(core).map(zmqFloor)).toContain(context);
    expect(zmqFloor(core)).toBeGreaterThan(context);
  });

  it("no file of src/zmq imports a floor above its own", () => {
    const violations: string[] = [];
    for (const file of sourceFiles(join(SRC, "zmq"))) {
      const from = zmqFloor(file);
      for (const target of importsOf(file)) {
        const to = zmqFloor(target);
        if (to > from) violations.push(`${relativeName(file)} imports ${relativeName(target)}`);
      }
    }
    expect(violations).toEqual([]);
  });
});

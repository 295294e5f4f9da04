import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePythonJson } from "../src/common/python-json.js";
import { PYTHON } from "./helpers/python.js";

/**
 * Python's json module writes NaN, Infinity and -Infinity as bare literals. Values are sent to
 * Python with those numbers as markers (JSON cannot carry them), Python builds the real floats
 * and writes each value with json.dumps under several settings, and parsePythonJson must read
 * back exactly the value it started from.
 */
const DUMPER = `
import json, sys
def revive(v):
    if isinstance(v, dict):
        if set(v) == {"$nonfinite"}:
            return float(v["$nonfinite"])
        return {k: revive(x) for k, x in v.items()}
    if isinstance(v, list):
        return [revive(x) for x in v]
    return v
for line in sys.stdin:
    value = revive(json.loads(line))
    print(json.dumps([json.dumps(value), json.dumps(value, ensure_ascii=False), json.dumps(value, indent=2), json.dumps(value, separators=(",", ":"))]))
`;

const tricky = fc.constantFrom(
  "NaN",
  "Infinity",
  "-Infinity",
  'say "NaN"',
  "\\NaN",
  "a\\",
  "Infinity\u00e9",
  "\u2028",
  "",
);
const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), tricky);
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, number, text, fc.boolean(), fc.constant(null), tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.dictionary(text, tie("value"), { maxKeys: 5 }),
}));

/** JSON that Python can read back: non-finite numbers as markers. */
function toMarked(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === "number" && !Number.isFinite(x) ? { $nonfinite: String(x).replace("Infinity", "inf") } : x,
  );
}

function pythonDumps(values: unknown[]): string[][] {
  const r = spawnSync(PYTHON, ["-c", DUMPER], {
    input: `${values.map(toMarked).join("\n")}\n`,
    encoding: "utf8",
    timeout: 30000,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as string[]);
}

const hasPython = spawnSync(PYTHON, ["-c", "import json"], { stdio: "ignore" }).status === 0;

describe.runIf(hasPython)("parsePythonJson reads what Python's json.dumps writes", () => {
  it("every value, every dumps setting, non-finite floats included", () => {
    const samples = fc.sample(value, { numRuns: 400, seed: 20261125 });
    const dumped = pythonDumps(samples);
    expect(dumped.length).toBe(samples.length);
    samples.forEach((original, i) => {
      for (const text of dumped[i]!) expect(parsePythonJson(text)).toEqual(original);
    });
  });

  it("finds a non-finite number wherever it stands (property, fresh values each run)", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 20 }), (values) => {
        const dumped = pythonDumps(values);
        values.forEach((original, i) => {
          expect(parsePythonJson(dumped[i]![0]!)).toEqual(original);
        });
      }),
      { numRuns: 5 },
    );
  });

  it("leaves strings that spell NaN or Infinity alone, and refuses what is not JSON", () => {
    expect(parsePythonJson('["NaN", NaN, "-Infinity", -Infinity]')).toEqual([
      "NaN",
      Number.NaN,
      "-Infinity",
      -Infinity,
    ]);
    expect(() => parsePythonJson("[NaN")).toThrow(SyntaxError);
    expect(() => parsePythonJson("NaNa")).toThrow(SyntaxError);
  });
});

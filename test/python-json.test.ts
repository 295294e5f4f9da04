import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePythonJson } from "../src/common/python-json.js";

/**
 * The reader behind NaN/Infinity (Python's json writes them) takes peer input: it must read what
 * JSON.parse reads, refuse what it refuses with a SyntaxError, and cost what JSON.parse costs.
 * (conformance/python-json.test.ts checks it against Python's own json.dumps.)
 */
describe("parsePythonJson", () => {
  it("reads every JSON value as JSON.parse does, with non-finite literals beside it", () => {
    fc.assert(
      fc.property(fc.json(), fc.constantFrom("NaN", "Infinity", "-Infinity"), (json, literal) => {
        const [value, nonFinite] = parsePythonJson(`[${json}, ${literal}]`) as [unknown, number];
        expect(value).toStrictEqual(JSON.parse(json));
        expect(nonFinite).toBe(Number(literal));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses what JSON refuses, with a SyntaxError", () => {
    const bad = ["[NaN", "[NaN,]", "{NaN:1}", '{"a" NaN}', "NaN x", "[1 NaN]", "[NaN]]", '["\\x", NaN]'];
    bad.push('["a\nb", NaN]', '{"a":NaN,}', "-NaN", "nan", "[01, NaN]", '["unterminated, NaN]', "");
    for (const text of bad) expect(() => parsePythonJson(text), text).toThrow(SyntaxError);
  });

  it("keeps __proto__ an own member, as JSON.parse does", () => {
    const value = parsePythonJson('{"__proto__": {"polluted": true}, "x": NaN}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "x"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses nesting deeper than Python can write (1000), without recursion", () => {
    const depth = (n: number) => `${"[".repeat(n)}NaN${"]".repeat(n)}`;
    expect(() => parsePythonJson(depth(1000))).not.toThrow();
    expect(() => parsePythonJson(depth(1001))).toThrow(/nesting deeper than 1000/);
    expect(() => parsePythonJson(`${'{"a":'.repeat(200_000)}NaN`)).toThrow(/nesting deeper than 1000/);
  });

  const built = new URL("../dist/common/python-json.js", import.meta.url);
  it.runIf(existsSync(built))(
    "holds memory in proportion to its input: 32 MiB bodies in a process with a 300 MiB heap",
    () => {
      // Before, the reader copied its input a character at a time: 35 MiB of heap per MiB of body,
      // so that 32 MiB killed a device with a 1 GiB heap.
      const script = `
      const { parsePythonJson } = await import(${JSON.stringify(built.href)});
      const mib = 32 * 1024 * 1024;
      const bodies = {
        string: () => '["' + "x".repeat(mib) + '", NaN]',
        escapes: () => '["' + "\\\\n".repeat(mib / 2) + '", NaN]',
        numbers: () => "[" + "NaN,".repeat(mib / 4) + "1.5]",
      };
      for (const [name, make] of Object.entries(bodies)) {
        let body = make();
        const started = performance.now();
        let value = parsePythonJson(body);
        process.stdout.write(name + " " + Math.round(performance.now() - started) + " ms\\n");
        body = value = undefined;
      }
    `;
      const r = spawnSync(process.execPath, ["--max-old-space-size=300", "--input-type=module", "-e", script], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.stderr).not.toMatch(/heap out of memory/);
      expect(r.stdout).toMatch(/string \d+ ms\nescapes \d+ ms\nnumbers \d+ ms/);
    },
  );
});

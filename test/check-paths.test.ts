import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a script of ours in plain JavaScript, without declarations
import { machinePaths } from "../scripts/check-paths.mjs";

describe("scripts/check-paths.mjs (npm run lint)", () => {
  it("finds a home or work directory in a tracked file, and lets /tmp, URLs and relative paths be", () => {
    // Put together here, so that this file holds no such path itself.
    const home = ["", "home", "alice"].join("/");
    const work = ["", "work", "main"].join("/");
    const repo = mkdtempSync(join(tmpdir(), "plantrpc-paths-"));
    execFileSync("git", ["init", "-q"], { cwd: repo });
    writeFileSync(join(repo, "bad.mjs"), `import x from "${home}/project/x.mjs";\nconst w = "${work}/dist";\n`);
    writeFileSync(
      join(repo, "good.ts"),
      'const a = "ipc:///tmp/x.sock";\nconst b = "https://example.org/home/page";\nconst c = "./work/notes";\n',
    );
    execFileSync("git", ["add", "."], { cwd: repo });
    const { found } = machinePaths(repo) as { found: string[] };
    expect(found).toEqual([`bad.mjs:1: ${home}`, `bad.mjs:2: ${work}`]);
  });
});

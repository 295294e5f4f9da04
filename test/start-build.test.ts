/**
 * `npm start` builds only when dist/ is stale (scripts/setup.mjs needsBuild): a one-second demo
 * does not wait for a full build each time, and an edited source is never run unbuilt. Checked
 * on a scratch tree, with file times set, so that no build runs while other tests read dist/.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a script of ours in plain JavaScript, without declarations
import { needsBuild } from "../scripts/setup.mjs";

const BUILT = ["dist/cli/main.js", "dist/browser/dashboard.js"];
const SOURCES = ["src/index.ts", "src/zmq/socket/socket.ts", "package.json", "tsconfig.json", "scripts/build.mjs"];

/** A tree with every source written at t = 1000 s and every built file at `builtAt`. */
function tree(builtAt: number | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "plantrpc-start-"));
  const write = (file: string, at: number) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), "");
    utimesSync(join(dir, file), at, at);
  };
  for (const file of [...SOURCES, "scripts/test.mjs"]) write(file, 1000);
  if (builtAt !== undefined) for (const file of BUILT) write(file, builtAt);
  return dir;
}

describe("npm start's build step (scripts/setup.mjs)", () => {
  it("builds when nothing is built", () => {
    expect(needsBuild(tree(undefined))).toBe(true);
  });

  it("does not build when dist/ is newer than every source", () => {
    expect(needsBuild(tree(2000))).toBe(false);
  });

  it.each(SOURCES)("builds once %s is newer than dist/", (file) => {
    const dir = tree(2000);
    utimesSync(join(dir, file), 3000, 3000);
    expect(needsBuild(dir)).toBe(true);
  });

  it("a script that is not a build script changes nothing", () => {
    const dir = tree(2000);
    utimesSync(join(dir, "scripts", "test.mjs"), 3000, 3000);
    expect(needsBuild(dir)).toBe(false);
  });
});

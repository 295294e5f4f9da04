import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * `npm pack` of a folder into `into`; resolves to the tarball's path. npm test has built dist/:
 * --ignore-scripts keeps pack from building again.
 */
export function pack(dir: string, into: string): string {
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into], {
    cwd: dir,
    encoding: "utf8",
  });
  return join(into, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
}

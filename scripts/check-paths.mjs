// Fails when a tracked file holds an absolute path of one machine (a home or work directory
// outside the repository): such a file works only where it was written. `npm run lint` and
// `npm test` run it. Paths every machine has (/tmp, /usr/bin, /dev) are not concerned.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** A home, work or mount directory, as a path of its own (not inside a URL or another path). */
export const MACHINE_PATH = /(?<![\w.:/-])\/(?:work|home|Users|root|mnt|media)\/[\w.-]+/;
const TEXT = /\.(?:[cm]?[jt]s|json|md|py|sh|ya?ml|toml|txt|html|css)$|(?:^|\/)(?:run|Dockerfile)$/;

/** Each tracked text file's line that holds such a path, as "file:line: path". */
export function machinePaths(root) {
  const files = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && TEXT.test(f) && f !== "scripts/check-paths.mjs");
  const found = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch {
      continue; // listed but deleted in the work tree
    }
    text.split("\n").forEach((line, i) => {
      const m = MACHINE_PATH.exec(line);
      if (m) found.push(`${file}:${i + 1}: ${m[0]}`);
    });
  }
  return { files: files.length, found };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { files, found } = machinePaths(root);
  if (found.length) {
    console.error(
      `Absolute paths of one machine in tracked files (use paths relative to the repository):\n${found.join("\n")}`,
    );
    process.exit(1);
  }
  console.log(`no machine-specific absolute path in ${files} tracked files`);
}

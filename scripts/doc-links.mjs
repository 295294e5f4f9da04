// The relative links of the Markdown files a package ships (README.md, docs/, protocol-spec/,
// CHANGELOG.md), so that a test can check that each points to a file the package ships too:
// npm and JSR show the README, and a link to a file left out of the package leads nowhere.
import { readFileSync } from "node:fs";
import { posix } from "node:path";

/** The targets of `file`'s relative links and images (paths from the package root, no #anchor). */
export function relativeLinks(root, file) {
  const text = readFileSync(posix.join(root, file), "utf8").replace(/```[\s\S]*?```/g, "");
  const targets = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z+.-]*:/i.test(target) || target.startsWith("#")) continue;
    targets.push(posix.normalize(posix.join(posix.dirname(file), target.split("#")[0])));
  }
  return targets;
}

/** `[file, target]` for each link, among the shipped Markdown files, to a file not shipped. */
export function brokenLinks(root, shipped) {
  const have = new Set(shipped);
  const broken = [];
  for (const file of shipped.filter((f) => f.endsWith(".md"))) {
    for (const target of relativeLinks(root, file)) if (!have.has(target)) broken.push([file, target]);
  }
  return broken;
}

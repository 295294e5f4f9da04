// The options section of docs/zmq-api.md, and the type of the option rows
// (src/zmq/socket/option-row-types.ts), rendered from the option table
// (src/zmq/socket/option-table.ts). `node scripts/option-docs.mjs` rewrites both after a build;
// test/docs.test.ts fails when either and the table disagree.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BEGIN = "<!-- options: generated from src/zmq/socket/option-table.ts by scripts/option-docs.mjs -->";
export const END = "<!-- options: end -->";

const EFFECT = { yes: "", stored: " (kept, no effect here)", "not yet": " (kept; effect not built yet)" };

/** One Markdown table: name, type, access, default, socket types, meaning. */
export function renderOptionTable(rows, allSockets) {
  const lines = ["| option | type | access | default | sockets | meaning |", "|---|---|---|---|---|---|"];
  for (const r of rows) {
    const on = r.on.length === allSockets.length ? "all" : r.on.join(", ");
    const access = { rw: "read, write", r: "read", w: "write" }[r.access] + (r.unreadable ? " (read: EINVAL)" : "");
    const value = r.access === "r" ? "" : `\`${JSON.stringify(r.default)}\``;
    lines.push(
      `| \`${r.name}\` (${r.id}) | ${r.kind} | ${access}${r.property === false ? " (by number only)" : ""} | ${value} | ${on} | ${r.doc}${EFFECT[r.effect]}${r.extension ? " Ours: not in the native package." : ""} |`,
    );
  }
  return lines.join("\n");
}

/**
 * src/zmq/socket/option-row-types.ts: the type of OPTION_ROWS written out (name, kind, sockets
 * and access of each row as literal types), so that the public option types need no inference
 * (JSR's fast check); tsc refuses the table when a row and this type disagree.
 */
export function renderOptionRowTypes(rows, groups) {
  const groupOf = (on) => Object.entries(groups).find(([, g]) => g === on)?.[0];
  const lines = [
    "// Generated from option-table.ts by scripts/option-docs.mjs (after a build); test/docs.test.ts",
    "// checks that it is current. The type of OPTION_ROWS, written out (see renderOptionRowTypes).",
    `import type { ${Object.keys(groups).sort().join(", ")}, OptionRow } from "./option-table.js";`,
    "",
    "export type OptionRows = readonly [",
  ];
  for (const r of rows) {
    const group = groupOf(r.on);
    const on = group ? `typeof ${group}` : `readonly [${r.on.map((n) => JSON.stringify(n)).join(", ")}]`;
    lines.push(
      `  OptionRow & { readonly name: ${JSON.stringify(r.name)}; readonly kind: ${JSON.stringify(r.kind)}; readonly on: ${on}; readonly access: ${JSON.stringify(r.access)} },`,
    );
  }
  lines.push("];", "");
  return lines.join("\n");
}

export function withOptions(doc, table) {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error("docs/zmq-api.md has no options markers");
  return `${doc.slice(0, start + BEGIN.length)}\n${table}\n${doc.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { OPTION_TABLE, OPTION_ROWS, ALL_SOCKETS, READABLE, WRITABLE } = await import(
    "../dist/zmq/socket/option-table.js"
  );
  const path = fileURLToPath(new URL("../docs/zmq-api.md", import.meta.url));
  writeFileSync(path, withOptions(readFileSync(path, "utf8"), renderOptionTable(OPTION_TABLE, ALL_SOCKETS)));
  const types = fileURLToPath(new URL("../src/zmq/socket/option-row-types.ts", import.meta.url));
  writeFileSync(types, renderOptionRowTypes(OPTION_ROWS, { ALL_SOCKETS, READABLE, WRITABLE }));
}

// The options section of docs/zmq-api.md, and the types written out from the option rows
// (src/zmq/socket/option-row-types.ts: the rows' type, and every option as a documented
// property), rendered from the option table (src/zmq/socket/option-table.ts).
// `node scripts/option-docs.mjs` rewrites both from the sources (no build needed); test/docs.test.ts
// fails when either and the table disagree.
import { Buffer } from "node:buffer";
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

/** What an option's property holds, by kind (strings read back as text). */
const PROPERTY_TYPES = {
  bool: "boolean",
  int32: "number",
  uint32: "number",
  int64: "number",
  uint64: "number",
  string: "string | null",
};

/** The low-level accessors of each kind of option (`getInt32Option(id)`...). */
const ACCESSOR_KINDS = {
  bool: "Bool",
  int32: "Int32",
  uint32: "Uint32",
  int64: "Int64",
  uint64: "Uint64",
  string: "String",
};

/**
 * An option's description as its property's JSDoc gives it: the table's text and what
 * docs/zmq-api.md says beside it (no effect here, ours), how it may be read, its default, and its
 * number for the low-level accessors.
 */
export function optionJsDoc(r) {
  const notes = [r.doc];
  if (r.effect === "stored") notes.push("Kept and read back, but it has no effect here.");
  if (r.effect === "not yet") notes.push("Kept; its effect is not built yet.");
  if (r.extension) notes.push("Ours: not in the native package.");
  if (r.property === false) notes.push("No property at run time (as in the native package): set it by its number.");
  else if (r.access === "w") notes.push("Write-only: reading the property gives undefined.");
  if (r.unreadable) notes.push("libzmq cannot read it back: reading it before it is set throws EINVAL.");
  const kind = ACCESSOR_KINDS[r.kind];
  // Some descriptions say the default themselves (in words: "none", "any").
  const value = /\bDefault\b/.test(r.doc) ? "" : `Default: \`${JSON.stringify(r.default)}\`. `;
  const facts = `${value}Option number ${r.id}, for get${kind}Option and set${kind}Option.`;
  return `${notes.join(" ")}\n${facts}`;
}

/** The rows that are options properties and constructors take (read-only state is not one). */
export function settableRows(rows) {
  return rows.filter((r) => r.access !== "r");
}

/**
 * src/zmq/socket/option-row-types.ts, from OPTION_TABLE (OPTION_ROWS with each option's effect as
 * the docs give it): the type of OPTION_ROWS written out (name, kind, sockets and access of each
 * row as literal types), so that the public option types need no inference
 * (JSR's fast check); tsc refuses the table when a row and this type disagree. Then every
 * settable option as a property with its description (AllOptionProperties): the option types
 * pick theirs from it, so that editors and the API reference show each option's JSDoc.
 */
export function renderOptionRowTypes(rows, groups) {
  const groupOf = (on) => Object.entries(groups).find(([, g]) => g === on)?.[0];
  const lines = [
    "// Generated from option-table.ts by `node scripts/option-docs.mjs`; test/docs.test.ts checks",
    "// that it is current. The type of OPTION_ROWS written out, then every settable option as a",
    "// documented property (see renderOptionRowTypes).",
    `import type { ${Object.keys(groups).sort().join(", ")}, OptionRow } from "./option-schema.js";`,
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
  lines.push(
    "];",
    "",
    "/**",
    " * Every settable socket option, as the property that sockets of the types that have it carry,",
    " * with its description. Each socket class has those of its type (OptionProperties), and its",
    " * constructor takes the same names (OptionValues). Generated from the option table.",
    " */",
    "export interface AllOptionProperties {",
  );
  for (const r of settableRows(rows)) {
    lines.push(
      "  /**",
      ...optionJsDoc(r)
        .split("\n")
        .map((line) => `   * ${line}`),
      "   */",
    );
    lines.push(`  ${r.name}: ${PROPERTY_TYPES[r.kind]};`);
  }
  lines.push("}", "");
  return lines.join("\n");
}

export function withOptions(doc, table) {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error("docs/zmq-api.md has no options markers");
  return `${doc.slice(0, start + BEGIN.length)}\n${table}\n${doc.slice(end)}`;
}

/**
 * The option table, read from the sources (bundled on the fly by esbuild): adding an option is
 * edit, generate, build, with no build of a table that does not type-check yet.
 */
async function loadOptionTable() {
  const { build } = await import("esbuild");
  const entry = fileURLToPath(new URL("../src/zmq/socket/option-table.ts", import.meta.url));
  const result = await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", write: false });
  const code = Buffer.from(result.outputFiles[0].contents).toString("base64");
  return import(`data:text/javascript;base64,${code}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { OPTION_TABLE, ALL_SOCKETS, READABLE, WRITABLE } = await loadOptionTable();
  const path = fileURLToPath(new URL("../docs/zmq-api.md", import.meta.url));
  writeFileSync(path, withOptions(readFileSync(path, "utf8"), renderOptionTable(OPTION_TABLE, ALL_SOCKETS)));
  const types = fileURLToPath(new URL("../src/zmq/socket/option-row-types.ts", import.meta.url));
  writeFileSync(types, renderOptionRowTypes(OPTION_TABLE, { ALL_SOCKETS, READABLE, WRITABLE }));
}

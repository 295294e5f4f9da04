import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript script, without declarations
import { renderOptionRowTypes, renderOptionTable, withOptions } from "../scripts/option-docs.mjs";
import { ALL_SOCKETS, OPTION_ROWS, OPTION_TABLE, READABLE, WRITABLE } from "../src/zmq/socket/option-table.js";

describe("docs/zmq-api.md", () => {
  it("lists every option as the option table says (node scripts/option-docs.mjs after a build)", () => {
    const doc = readFileSync(join(__dirname, "..", "docs", "zmq-api.md"), "utf8");
    expect(withOptions(doc, renderOptionTable(OPTION_TABLE, ALL_SOCKETS))).toBe(doc);
  });

  it("the option rows' written-out type is current (node scripts/option-docs.mjs after a build)", () => {
    const written = readFileSync(join(__dirname, "..", "src", "zmq", "socket", "option-row-types.ts"), "utf8");
    expect(renderOptionRowTypes(OPTION_ROWS, { ALL_SOCKETS, READABLE, WRITABLE })).toBe(written);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript script, without declarations
import { renderOptionTable, withOptions } from "../scripts/option-docs.mjs";
import { ALL_SOCKETS, OPTION_TABLE } from "../src/zmq/socket/option-table.js";

describe("docs/zmq-api.md", () => {
  it("lists every option as the option table says (node scripts/option-docs.mjs after a build)", () => {
    const doc = readFileSync(join(__dirname, "..", "docs", "zmq-api.md"), "utf8");
    expect(withOptions(doc, renderOptionTable(OPTION_TABLE, ALL_SOCKETS))).toBe(doc);
  });
});

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript script, without declarations
import { optionJsDoc, renderOptionRowTypes, renderOptionTable, withOptions } from "../scripts/option-docs.mjs";
import { ALL_SOCKETS, OPTION_TABLE, OPTIONS_BY_NAME, READABLE, WRITABLE } from "../src/zmq/socket/option-table.js";

const ROOT = join(__dirname, "..");

describe("docs/zmq-api.md", () => {
  it("lists every option as the option table says (node scripts/option-docs.mjs)", () => {
    const doc = readFileSync(join(__dirname, "..", "docs", "zmq-api.md"), "utf8");
    expect(withOptions(doc, renderOptionTable(OPTION_TABLE, ALL_SOCKETS))).toBe(doc);
  });

  it("the option rows' written-out type is current (node scripts/option-docs.mjs)", () => {
    const written = readFileSync(join(ROOT, "src", "zmq", "socket", "option-row-types.ts"), "utf8");
    expect(renderOptionRowTypes(OPTION_TABLE, { ALL_SOCKETS, READABLE, WRITABLE })).toBe(written);
  });
});

/**
 * What an editor shows on hovering each marked word of `code` (a module in test/, compiled with
 * the project's settings): TypeScript's quick info, as its language service gives it to editors.
 */
function hoverDocs(code: string, marks: readonly string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  )!;
  const file = join(ROOT, "test", "__hover__.ts");
  const read = (name: string) => (name === file ? code : ts.sys.readFile(name));
  const service = ts.createLanguageService({
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      const text = read(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => ROOT,
    getCompilationSettings: () => config.options,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => name === file || existsSync(name),
    readFile: read,
  });
  return marks.map((mark) => {
    const at = code.indexOf(mark);
    if (at < 0) throw new Error(`no ${mark} in the code`);
    const info = service.getQuickInfoAtPosition(file, at + mark.length - 1);
    return ts.displayPartsToString(info?.documentation);
  });
}

describe("socket options in editors", () => {
  it("a property and a constructor option show the option table's description (option-row-types.ts)", () => {
    const code = [
      'import { Dealer, Router, type Socket } from "../src/zmq/index.js";',
      'const dealer = new Dealer({ linger: 0, routingId: "a" });',
      "dealer.linger = 1;",
      "new Router().mandatory = true;",
      "declare const socket: Socket;",
      "socket.heartbeatInterval = 100;",
    ].join("\n");
    const marks = ["{ linger", "routingId", "dealer.linger", "().mandatory", "socket.heartbeatInterval"];
    const names = ["linger", "routingId", "linger", "mandatory", "heartbeatInterval"];
    const docs = hoverDocs(code, marks);
    names.forEach((name, i) => {
      const row = OPTIONS_BY_NAME.get(name)!;
      expect(docs[i], marks[i]).toBe(optionJsDoc(row));
      expect(docs[i]).toContain(row.doc);
    });
  });
});

// ZPL (ZeroMQ Property Language, rfc.zeromq.org spec 4), the text format of zcert's certificates:
// one item per line, its level given by indentation in steps of four spaces, `name = "value"` or
// a bare name that opens a section; `#` starts a comment. Only what certificates need: a tree of
// names and values, read and written.

/** One item of a ZPL tree: a name, its value ("" for a section) and its children. */
export interface ZplItem {
  name: string;
  value: string;
  children: ZplItem[];
}

/** A line that is not ZPL: the line's number (from 1) and why. */
export class ZplSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "ZplSyntaxError";
  }
}

const NAME = /^[A-Za-z0-9$\-_@.&+/]+/;

/** Whether a name can stand in ZPL as it is (no `/` at either end, which paths use). */
export function isZplName(name: string): boolean {
  const m = NAME.exec(name);
  return m !== null && m[0] === name && !name.startsWith("/") && !name.endsWith("/");
}

/** Whether what follows a value on its line is only spaces or a comment. */
const endsClean = (rest: string) => /^\s*(#.*)?$/.test(rest);

/** The value after `=`: quoted ("..." or '...', no escapes) or bare up to a comment. */
function readValue(text: string, line: number): string {
  const t = text.trimStart();
  const quote = t[0];
  if (quote === '"' || quote === "'") {
    const end = t.indexOf(quote, 1);
    if (end < 0) throw new ZplSyntaxError(line, `missing closing ${quote}`);
    if (!endsClean(t.slice(end + 1))) throw new ZplSyntaxError(line, "text after the quoted value");
    return t.slice(1, end);
  }
  const comment = t.indexOf("#");
  return (comment < 0 ? t : t.slice(0, comment)).trimEnd();
}

/** Reads ZPL text into the list of its top-level items. Throws a ZplSyntaxError. */
export function parseZpl(text: string): ZplItem[] {
  const root: ZplItem = { name: "", value: "", children: [] };
  // The last item at each level: a deeper line becomes a child of the one above it.
  const path: ZplItem[] = [root];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    const number = i + 1;
    const body = line.trimStart();
    if (body === "" || body.startsWith("#")) continue;
    const indent = line.length - body.length;
    if (/\t/.test(line.slice(0, indent)) || indent % 4 !== 0)
      throw new ZplSyntaxError(number, "indent in steps of four spaces");
    const level = indent / 4;
    if (level >= path.length) throw new ZplSyntaxError(number, "indented deeper than the item above");
    const name = NAME.exec(body)?.[0];
    if (!name || !isZplName(name)) throw new ZplSyntaxError(number, `not a name: ${JSON.stringify(body.slice(0, 40))}`);
    const rest = body.slice(name.length).trimStart();
    let value = "";
    if (rest.startsWith("=")) value = readValue(rest.slice(1), number);
    else if (!endsClean(rest)) throw new ZplSyntaxError(number, `expected "=" after ${name}`);
    const item: ZplItem = { name, value, children: [] };
    path[level]!.children.push(item);
    path.length = level + 1;
    path.push(item);
  }
  return root.children;
}

/** The first child of `items` with this name. */
export const zplChild = (items: readonly ZplItem[] | undefined, name: string): ZplItem | undefined =>
  items?.find((item) => item.name === name);

/**
 * A value as ZPL writes it: in double quotes, or single quotes when it holds a double quote.
 * Undefined when it cannot be written (both quotes, or a line break).
 */
export function quoteZplValue(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return undefined;
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return undefined;
}

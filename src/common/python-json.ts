/**
 * JSON as Python's json module writes it: standard JSON plus the bare literals `NaN`,
 * `Infinity` and `-Infinity` for non-finite floats.
 *
 * Bodies come from peers, so the reader that handles those literals must cost what
 * `JSON.parse` costs: one pass, no recursion, nesting bounded, and allocations per token,
 * never per character. Strings are located here and decoded by
 * `JSON.parse` itself, so escapes and validation are exactly the standard's.
 */
export function parsePythonJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (!NON_FINITE_HINT.test(text)) throw e;
    return new PythonJsonReader(text).read();
  }
  // JSON.parse takes any nesting: held to the reader's bound, which takes at least 2 * MAX_DEPTH
  // characters to pass (so that short bodies are not looked into).
  if (text.length > 2 * MAX_DEPTH && typeof value === "object" && value !== null && nestsDeeper(value, MAX_DEPTH)) {
    throw new SyntaxError(`nesting deeper than ${MAX_DEPTH} in JSON`);
  }
  return value;
}

/**
 * Whether non-empty arrays or objects nest more than `levels` deep (an empty one is a leaf, as
 * for the reader). A walk of what JSON.parse made: a tenth of what parsing it cost.
 */
function nestsDeeper(value: object, levels: number): boolean {
  if (Array.isArray(value)) {
    if (value.length === 0) return false;
    if (levels === 0) return true;
    for (const item of value) {
      if (typeof item === "object" && item !== null && nestsDeeper(item, levels - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    if (levels === 0) return true;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && nestsDeeper(item, levels - 1)) return true;
  }
  return false;
}

/** As deep as Python's json can write at all (its default recursion limit is 1000). */
const MAX_DEPTH = 1000;
const NON_FINITE_HINT = /NaN|Infinity/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** The literals by their first character ("-" tried as -Infinity, then as a number). */
const LITERALS = new Map<number, readonly [string, unknown]>(
  (
    [
      ["true", true],
      ["false", false],
      ["null", null],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
    ] as const
  ).map((entry) => [entry[0].charCodeAt(0), entry]),
);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** An array or object being filled; `key` is the member whose value comes next. */
type Open = { array: unknown[] } | { object: Record<string, unknown>; key: string };

class PythonJsonReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  read(): unknown {
    const open: Open[] = [];
    for (;;) {
      let value = this.beginValue(open);
      if (value === OPENED) continue;
      // A value is complete: place it, closing every container that ends right after it.
      for (;;) {
        const top = open[open.length - 1];
        if (top === undefined) {
          this.skipWhitespace();
          if (this.pos !== this.text.length) this.fail("unexpected data after the value");
          return value;
        }
        place(top, value);
        this.skipWhitespace();
        const c = this.text.charCodeAt(this.pos++);
        if (c === COMMA) {
          if ("object" in top) top.key = this.memberName();
          break;
        }
        if (c !== ("array" in top ? CLOSE_ARRAY : CLOSE_OBJECT)) this.fail("expected ',' or a closing bracket", -1);
        open.pop();
        value = "array" in top ? top.array : top.object;
      }
    }
  }

  /** A scalar or an empty container; OPENED when a non-empty container was pushed on `open`. */
  private beginValue(open: Open[]): unknown {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.pos);
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      this.pos++;
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) === (c === OPEN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT)) {
        this.pos++;
        return c === OPEN_ARRAY ? [] : {};
      }
      if (open.length === MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
      open.push(c === OPEN_ARRAY ? { array: [] } : { object: {}, key: this.memberName() });
      return OPENED;
    }
    if (c === QUOTE) return this.string();
    return this.numberOrLiteral(c);
  }

  /** `"name":`, the colon consumed. */
  private memberName(): string {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail("expected a member name");
    const name = this.string();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos++) !== COLON) this.fail("expected ':'", -1);
    return name;
  }

  /** The string starting at `pos`: a slice when it has no escape, else decoded by JSON.parse. */
  private string(): string {
    const { text } = this;
    const start = this.pos;
    let escaped = false;
    let i = start + 1;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i++;
      } else if (c < 0x20) {
        this.pos = i;
        this.fail("control character in a string");
      }
    }
    if (i >= text.length) this.fail("unterminated string");
    this.pos = i + 1;
    return escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
  }

  private numberOrLiteral(c: number): unknown {
    const { text, pos } = this;
    const literal = LITERALS.get(c);
    if (literal !== undefined) {
      const [word, value] = literal;
      if (text.startsWith(word, pos)) {
        this.pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    if (!NUMBER.test(text)) this.fail(pos < text.length ? "unexpected character" : "unexpected end of data");
    this.pos = NUMBER.lastIndex;
    return Number(text.slice(pos, this.pos));
  }

  private skipWhitespace(): void {
    const { text } = this;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.pos = i;
  }

  private fail(what: string, offset = 0): never {
    throw new SyntaxError(`${what} in JSON at position ${this.pos + offset}`);
  }
}

const OPENED: unique symbol = Symbol("opened");

function place(into: Open, value: unknown): void {
  if ("array" in into) {
    into.array.push(value);
  } else if (into.key === "__proto__") {
    // As JSON.parse: an own property, not the object's prototype.
    Object.defineProperty(into.object, "__proto__", { value, enumerable: true, writable: true, configurable: true });
  } else {
    into.object[into.key] = value;
  }
}

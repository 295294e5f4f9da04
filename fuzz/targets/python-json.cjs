// parsePythonJson (src/common/python-json.ts: JSON as Python's json module writes it, with the
// bare literals NaN, Infinity and -Infinity), on the input as UTF-8 text (an input starting with
// 0x01 is nested in as many arrays or objects as it says: see textOf). Invariants:
// - only SyntaxError escapes (what JSON.parse throws, and the reader for NaN/Infinity with it);
// - differential against JSON.parse: on a text without NaN/Infinity, both accept with equal
//   values or both refuse; and the reader itself (the path taken once a NaN is present): the
//   text as the first element of `[<text>\n,NaN]` and as a member of `{"k":<text>\n,"n":NaN}`
//   reads as JSON.parse reads the same document with `null` for that NaN (equal values, the
//   NaN where JSON.parse has null), or both refuse;
// - nesting bounded: no accepted value nests non-empty arrays or objects more than 1000 deep
//   (protocol-spec/rpc.md, section 4), whichever path read it; JSON.parse's refusals and values
//   are expected only within that bound;
// - the encoders round-trip what the parser accepts: encodeBody(value, "json") (JSON.stringify's
//   rules: NaN and the infinities become null, -0 becomes 0) and encodeBody(value, "msgpack")
//   (-0 becomes 0, a lone surrogate U+FFFD) read back to those values (MessagePack refuses, with
//   an EncodeError, only a value of 1001 levels counting an empty innermost array or object); decodeBody of the UTF-8 octets, when it takes them
//   for JSON, gives what parsePythonJson gives.
const { Buffer, invariant, load, typedOnly } = require("./_lib.cjs");

const { parsePythonJson } = load("common/python-json.js");
const { decodeBody, detectEncoding, EncodeError, encodeBody } = load("common/codec.js");

exports.settings = { includes: ["dist/cjs/common/python-json", "dist/cjs/common/codec"] };

const MAX_DEPTH = 1000;
const NON_FINITE = /NaN|Infinity/;

/** Deep equality: NaN equals NaN, -0 is not 0, key order counts. */
function same(a, b) {
  if (typeof a !== "object" || a === null) return Object.is(a, b);
  if (typeof b !== "object" || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(a[k], b[k]));
}

/** Levels of non-empty arrays and objects, as the reader counts them (an empty one is a leaf). */
function depth(v) {
  if (typeof v !== "object" || v === null) return 0;
  let deepest = 0;
  let any = false;
  for (const key of Object.keys(v)) {
    any = true;
    deepest = Math.max(deepest, depth(v[key]));
  }
  return any ? deepest + 1 : 0;
}

/** Levels of arrays and objects, empty ones included (as MessagePack counts them). */
function levels(v) {
  if (typeof v !== "object" || v === null) return 0;
  let deepest = 0;
  for (const key of Object.keys(v)) deepest = Math.max(deepest, levels(v[key]));
  return deepest + 1;
}

/**
 * A value after a trip through JSON.stringify, or with `msgpack` through encodeMessagePack (which
 * keeps the non-finite numbers and writes a lone surrogate as U+FFFD).
 */
function asSent(v, msgpack) {
  if (typeof v === "number") {
    if (!Number.isFinite(v) && !msgpack) return null;
    return Object.is(v, -0) ? 0 : v;
  }
  if (typeof v === "string") return msgpack ? v.toWellFormed() : v;
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => asSent(x, msgpack));
  const out = {};
  for (const key of Object.keys(v)) {
    const value = asSent(v[key], msgpack);
    const sent = msgpack ? key.toWellFormed() : key;
    Object.defineProperty(out, sent, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** parsePythonJson's outcome: { ok, value }; only SyntaxError may refuse. */
function ours(text) {
  let ok = true;
  const value = typedOnly(() => {
    try {
      return parsePythonJson(text);
    } catch (e) {
      ok = false;
      throw e;
    }
  }, SyntaxError);
  if (ok) invariant(depth(value) <= MAX_DEPTH, "nesting at most 1000 deep");
  return { ok, value };
}

/** JSON.parse's outcome, held to the nesting bound: deeper is refused. */
function reference(text) {
  try {
    const value = JSON.parse(text);
    return depth(value) <= MAX_DEPTH ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/** The reader, through a NaN put beside the text; `pick` finds the text's value and the NaN. */
function throughReader(wrap, pick) {
  const mine = ours(wrap("NaN"));
  const theirs = reference(wrap("null"));
  invariant(mine.ok === theirs.ok, `the reader ${mine.ok ? "accepts" : "refuses"} what JSON.parse does not`);
  if (!mine.ok) return;
  const [value, nan] = pick(mine.value);
  const [expected, nil] = pick(theirs.value);
  invariant(Number.isNaN(nan) && nil === null, "the NaN read where JSON.parse has null");
  invariant(same(value, expected), "the reader's value is JSON.parse's");
}

/**
 * The input as text; one starting with 0x01 (never JSON) is nested: its second octet times 5
 * levels (up to 1275) of arrays, or of objects when its third octet is odd, around the rest, so
 * that small inputs reach the nesting bound.
 */
function textOf(data) {
  if (data[0] !== 1 || data.length < 3) return Buffer.from(data).toString("utf8");
  const levels = data[1] * 5;
  const [open, close] = data[2] & 1 ? ['{"a":', "}"] : ["[", "]"];
  return open.repeat(levels) + Buffer.from(data.subarray(3)).toString("utf8") + close.repeat(levels);
}

exports.fuzz = (data) => {
  const text = textOf(data);
  const result = ours(text);
  const plain = !NON_FINITE.test(text);
  if (plain) {
    const expected = reference(text);
    invariant(
      result.ok === expected.ok,
      `parsePythonJson ${result.ok ? "accepts" : "refuses"} what JSON.parse does not`,
    );
    if (result.ok) invariant(same(result.value, expected.value), "the value JSON.parse gives");
    throughReader(
      (literal) => `[${text}\n,${literal}]`,
      (v) => [v.slice(0, -1), v.at(-1)],
    );
    throughReader(
      (literal) => `{"k":${text}\n,"n":${literal}}`,
      (v) => {
        const { n, ...rest } = v;
        return [rest, n];
      },
    );
  }
  if (!result.ok) return;

  const octets = Buffer.from(text, "utf8");
  if (detectEncoding(octets) === "json") {
    invariant(same(decodeBody(octets), result.value), "decodeBody reads the octets as parsePythonJson the text");
  }
  const json = encodeBody(result.value, "json");
  invariant(same(parsePythonJson(json.toString("utf8")), asSent(result.value, false)), "the JSON round trip");
  // MessagePack's bound counts every level: an empty array or object the 1001st is refused.
  const msgpack = typedOnly(() => encodeBody(result.value, "msgpack"), EncodeError);
  if (msgpack === undefined) {
    invariant(levels(result.value) > MAX_DEPTH, "encodeBody refuses only values nested too deep for MessagePack");
    return;
  }
  invariant(same(decodeBody(msgpack, "msgpack"), asSent(result.value, true)), "the MessagePack round trip");
};

// What every fuzz target shares: the CommonJS build's modules, the invariants (only the library's
// typed errors escape, results bounded by the input), and a way to cut an input into chunks.
const { Buffer } = require("node:buffer");
const path = require("node:path");

const DIST = path.join(__dirname, "..", "..", "dist", "cjs");

/** A module of the CommonJS build (dist/cjs), as the package's require() gives it. */
function load(modulePath) {
  return require(path.join(DIST, modulePath));
}

const { ZmqError } = load("zmq/errors.js");

/** An invariant broken: a crash for the fuzzer, with what was expected. */
class InvariantError extends Error {}

function invariant(condition, message) {
  if (!condition) throw new InvariantError(`invariant: ${message}`);
}

/**
 * Runs `step`; an error it throws must be one the library means for bad input (a ZmqError, or one
 * of `accepted`), else it is a finding. Returns the step's value, or `undefined` when refused.
 */
function typedOnly(step, ...accepted) {
  try {
    return step();
  } catch (e) {
    if (e instanceof InvariantError) throw e;
    if (e instanceof ZmqError || accepted.some((kind) => e instanceof kind)) return undefined;
    throw e;
  }
}

/**
 * Cuts `data` into chunks whose sizes the input itself chooses: its first byte is a seed for the
 * sizes (1 to 64 octets, or the whole rest for seed 0), the rest is the payload.
 */
function chunks(data) {
  if (data.length === 0) return [];
  const seed = data[0];
  const body = Buffer.from(data.subarray(1));
  if (seed === 0) return [body];
  const out = [];
  let state = seed;
  for (let at = 0; at < body.length; ) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const size = 1 + (state % 64);
    out.push(body.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** Reads an input front to back as the choices a harness makes; zeros once it is used up. */
class Cursor {
  constructor(data) {
    this.data = Buffer.from(data);
    this.at = 0;
  }
  get done() {
    return this.at >= this.data.length;
  }
  byte() {
    return this.at < this.data.length ? this.data[this.at++] : 0;
  }
  bytes(n) {
    const out = this.data.subarray(this.at, this.at + n);
    this.at += out.length;
    return out;
  }
  /** A length octet, then that many octets. */
  field() {
    return this.bytes(this.byte());
  }
  /** A longer field: two length octets. */
  long() {
    return this.bytes(this.byte() * 256 + this.byte());
  }
  /** One entry of `table`, chosen by the next octet; a function entry is called. */
  pick(table) {
    const entry = table[this.byte() % table.length];
    return typeof entry === "function" ? entry() : entry;
  }
}

const SEPARATOR = Buffer.from([0xff, 0xff]);

/** An input cut at its 0xff 0xff pairs into at most `most` parts (several messages in one input). */
function parts(data, most) {
  const out = [];
  let start = 0;
  while (out.length < most - 1) {
    const at = data.indexOf(SEPARATOR, start);
    if (at < 0) break;
    out.push(data.subarray(start, at));
    start = at + 2;
  }
  out.push(data.subarray(start));
  return out;
}

/** JSON as Python's json module writes it: NaN, Infinity and -Infinity as bare words; BigInts as numbers. */
function pythonJson(value) {
  const marks = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "number" && !Number.isFinite(v)) {
      marks.push(String(v));
      return `\u0000${marks.length - 1}\u0000`;
    }
    return v;
  });
  return Buffer.from(
    (text ?? "null").replace(/"\\u0000(\d+)\\u0000"/g, (_, i) => marks[Number(i)]),
    "utf8",
  );
}

/** The pieces of `buffer` between its zero octets (frame bodies a round trip can make from any input). */
function* splitAtZeros(buffer) {
  let start = 0;
  for (let i = 0; i <= buffer.length; i++) {
    if (i === buffer.length || buffer[i] === 0) {
      yield buffer.subarray(start, i);
      start = i + 1;
    }
  }
}

module.exports = {
  Buffer,
  Cursor,
  DIST,
  InvariantError,
  chunks,
  invariant,
  load,
  parts,
  pythonJson,
  splitAtZeros,
  typedOnly,
};

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

module.exports = { Buffer, DIST, InvariantError, chunks, invariant, load, typedOnly };

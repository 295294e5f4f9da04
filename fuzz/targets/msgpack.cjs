// decodeMessagePack (src/common/msgpack.ts), differential against msgpackr, with encodeMessagePack
// for the round trip. Invariants:
// - only MessagePackError escapes decodeMessagePack;
// - an independent structural scan of the input says whether our decoder must accept it: one
//   value spanning the whole input, every declared length within it, nesting at most 1000 deep,
//   map keys strings or numbers, no 0xc1, extensions only timestamps (type -1: 4, 8 or 12
//   octets) and msgpackr's `undefined` (type 0, one 0x00 octet); ours accepts exactly those;
// - what ours accepts msgpackr (new Unpackr({ useRecords: false, mapsAsObjects: true }))
//   accepts too, with the same value, up to these documented mappings: a 64-bit integer is a
//   number for us when it is a safe integer (msgpackr: always a BigInt); the key "__proto__" is
//   an own property for us ("__proto_" for msgpackr); strings are compared only when every
//   string of the input is valid UTF-8 (msgpackr's JS UTF-8 decoder replaces invalid sequences
//   its own way: otherwise only msgpackr's acceptance is checked); 12-octet timestamps only when msgpackr reads them right (seconds within 48
//   bits, nanoseconds below 2^31);
// - a decoded value holds no more values, string units or binary octets than the input has
//   octets, and its keys at most 24 characters per input octet (a number key's decimal form); a
//   str32/array32 length beyond the input is refused, never allocated;
// - encodeMessagePack(decode(x)) succeeds and decodes to decode(x) as JSON.stringify's rules
//   make it (Date -> its toJSON(), undefined -> nil in arrays and at the top, left out of maps,
//   -0 -> 0), and encoding that again gives the same octets.
const { Buffer, invariant, load, typedOnly } = require("./_lib.cjs");
const { Unpackr } = require("msgpackr");

const { decodeMessagePack, encodeMessagePack, MessagePackError } = load("common/msgpack.js");

exports.settings = { includes: ["dist/cjs/common/msgpack"] };

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const MAX_DEPTH = 1000;

class Refused extends Error {}

/**
 * What our decoder must do with `b`, from its structure alone: { accept, utf8, timestamps }
 * (`utf8`: every string is valid UTF-8; `timestamps`: every timestamp is one msgpackr reads
 * right). `accept` false: truncated, trailing octets, too deep, or a construct we refuse.
 */
function scan(b) {
  let at = 0;
  let utf8 = true;
  let timestamps = true;
  const need = (n) => {
    if (at + n > b.length) throw new Refused("truncated");
  };
  const uint = (n) => {
    need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + b[at + i];
    at += n;
    return v;
  };
  const skip = (n) => {
    need(n);
    at += n;
  };
  const string = (n) => {
    need(n);
    try {
      strictUtf8.decode(b.subarray(at, at + n));
    } catch {
      utf8 = false;
    }
    at += n;
    return "str";
  };
  const ext = (n) => {
    need(1 + n);
    const type = b[at];
    const data = b.subarray(at + 1, at + 1 + n);
    at += 1 + n;
    if (type === 0xff && (n === 4 || n === 8 || n === 12)) {
      if (n === 12) {
        const high = (data[4] << 8) | data[5];
        if (!(high === 0 || high === 0xffff) || data[0] >= 0x80) timestamps = false;
      }
      return "date";
    }
    if (type === 0 && n === 1 && data[0] === 0) return "undefined";
    throw new Refused(`extension ${type}`);
  };
  const container = (n, depth, isMap) => {
    if (depth >= MAX_DEPTH) throw new Refused("too deep");
    for (let i = 0; i < n; i++) {
      if (isMap) {
        const key = value(depth + 1);
        if (key !== "str" && key !== "num") throw new Refused(`a ${key} key`);
      }
      value(depth + 1);
    }
    return isMap ? "map" : "array";
  };
  const value = (depth) => {
    need(1);
    const t = b[at++];
    if (t < 0x80 || t >= 0xe0) return "num";
    if (t < 0x90) return container(t & 0x0f, depth, true);
    if (t < 0xa0) return container(t & 0x0f, depth, false);
    if (t < 0xc0) return string(t & 0x1f);
    switch (t) {
      case 0xc0:
        return "nil";
      case 0xc2:
      case 0xc3:
        return "bool";
      case 0xc4:
      case 0xc5:
      case 0xc6:
        skip(uint(t === 0xc4 ? 1 : t === 0xc5 ? 2 : 4));
        return "bin";
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return ext(uint(t === 0xc7 ? 1 : t === 0xc8 ? 2 : 4));
      case 0xca:
      case 0xce:
      case 0xd2:
        skip(4);
        return "num";
      case 0xcb:
      case 0xcf:
      case 0xd3:
        skip(8);
        return "num";
      case 0xcc:
      case 0xd0:
        skip(1);
        return "num";
      case 0xcd:
      case 0xd1:
        skip(2);
        return "num";
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return ext(1 << (t - 0xd4));
      case 0xd9:
      case 0xda:
      case 0xdb:
        return string(uint(t === 0xd9 ? 1 : t === 0xda ? 2 : 4));
      case 0xdc:
      case 0xdd:
        return container(uint(t === 0xdc ? 2 : 4), depth, false);
      case 0xde:
      case 0xdf:
        return container(uint(t === 0xde ? 2 : 4), depth, true);
      default:
        throw new Refused("0xc1");
    }
  };
  try {
    value(0);
    if (at !== b.length) throw new Refused("trailing octets");
    return { accept: true, utf8, timestamps };
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    return { accept: false, utf8, timestamps };
  }
}

const isPlainObject = (v) => typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Ours against msgpackr's, with the mappings of the header. */
function sameAsMsgpackr(ours, theirs) {
  if (typeof ours === "number") {
    if (typeof theirs === "bigint") return Number.isSafeInteger(ours) && BigInt(ours) === theirs;
    return Object.is(ours, theirs);
  }
  if (typeof ours !== "object" || ours === null) return ours === theirs;
  if (ours instanceof Uint8Array) return theirs instanceof Uint8Array && Buffer.from(ours).equals(Buffer.from(theirs));
  if (ours instanceof Date) return theirs instanceof Date && Object.is(ours.getTime(), theirs.getTime());
  if (Array.isArray(ours)) {
    return Array.isArray(theirs) && ours.length === theirs.length && ours.every((x, i) => sameAsMsgpackr(x, theirs[i]));
  }
  if (!isPlainObject(ours) || !isPlainObject(theirs)) return false;
  const keys = Object.keys(ours);
  const mapped = keys.map((k) => (k === "__proto__" ? "__proto_" : k));
  if (new Set(mapped).size !== mapped.length) return true; // "__proto__" and "__proto_": not comparable
  if (Object.keys(theirs).join("\u0000") !== mapped.join("\u0000")) return false;
  return keys.every((k, i) => sameAsMsgpackr(ours[k], theirs[mapped[i]]));
}

/** A decoded value as encodeMessagePack's JSON rules send it (undefined: left out, in objects). */
function asSent(v) {
  if (v === undefined) return null;
  if (typeof v === "number") return Object.is(v, -0) ? 0 : v;
  if (typeof v !== "object" || v === null || v instanceof Uint8Array) return v;
  if (v instanceof Date) return asSent(v.toJSON());
  if (Array.isArray(v)) return v.map(asSent);
  const out = {};
  for (const key of Object.keys(v)) {
    if (v[key] === undefined) continue;
    Object.defineProperty(out, key, { value: asSent(v[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Deep equality of our own values (NaN equals NaN, binary by content, key order included). */
function same(a, b) {
  if (typeof a !== "object" || a === null) return Object.is(a, b);
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (!isPlainObject(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(a[k], b[k]));
}

/** Values, string units, key units and binary octets in a decoded value. */
function measure(v, totals = { values: 0, units: 0, keyUnits: 0, octets: 0 }) {
  totals.values++;
  if (typeof v === "string") totals.units += v.length;
  else if (v instanceof Uint8Array) totals.octets += v.length;
  else if (Array.isArray(v)) for (const item of v) measure(item, totals);
  else if (isPlainObject(v)) {
    for (const key of Object.keys(v)) {
      totals.keyUnits += key.length;
      measure(v[key], totals);
    }
  }
  return totals;
}

exports.fuzz = (data) => {
  const input = Buffer.from(data);
  let accepted = true;
  const ours = typedOnly(() => {
    try {
      return decodeMessagePack(input);
    } catch (e) {
      accepted = false;
      throw e;
    }
  }, MessagePackError);
  const expected = scan(input);
  invariant(accepted === expected.accept, `decodeMessagePack ${accepted ? "accepts" : "refuses"} what it should not`);
  if (!accepted) return;

  const totals = measure(ours);
  invariant(totals.values <= input.length, "no more values than input octets");
  invariant(totals.units + totals.octets <= input.length, "no more string units and octets than input octets");
  // A number key becomes its decimal form: at most 24 characters for its one or more octets.
  invariant(totals.keyUnits <= 24 * input.length, "keys bounded by the input");

  let theirs;
  try {
    theirs = unpackr.unpack(input);
  } catch (e) {
    invariant(false, `msgpackr refuses what we accept: ${e.message}`);
  }
  if (expected.utf8 && expected.timestamps) invariant(sameAsMsgpackr(ours, theirs), "the same value as msgpackr's");

  // What we encode must decode (a MessagePackError here is a finding too).
  const encoded = encodeMessagePack(ours);
  const back = decodeMessagePack(encoded);
  invariant(same(asSent(ours), back), "the round trip keeps the value");
  invariant(encodeMessagePack(back).equals(encoded), "encoding again gives the same octets");
};

import { Buffer } from "node:buffer";
import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { decodeMessagePack, encodeMessagePack, MessagePackError } from "../src/common/msgpack.js";

// msgpackr (a dev dependency only) is the reference implementation these tests compare with.
const msgpackr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

/** Values both codecs represent alike: JSON values plus binary data and 64-bit-safe integers. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.integer(),
    fc.double().filter((n) => !Object.is(n, -0)),
    fc.string({ unit: "binary", maxLength: 300 }),
    fc.string({ maxLength: 80 }),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 20 }),
  // msgpackr renames a "__proto__" key; our handling of it has a test of its own below.
  object: fc.dictionary(
    fc.string({ maxLength: 40 }).filter((k) => k !== "__proto__"),
    tie("value"),
    { maxKeys: 20 },
  ),
}));

/** Lone surrogates cannot be UTF-8: both codecs write U+FFFD, as TextEncoder does. */
function wellFormed(v: unknown): unknown {
  if (typeof v === "string") return Buffer.from(v, "utf8").toString("utf8");
  if (Array.isArray(v)) return v.map(wellFormed);
  if (v instanceof Uint8Array) return v;
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [wellFormed(k), wellFormed(x)]));
  }
  return v;
}

describe("MessagePack codec (differential: msgpackr)", () => {
  it("decodes what msgpackr encodes", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(decodeMessagePack(msgpackr.pack(v))).toEqual(wellFormed(v));
      }),
      { numRuns: 500 },
    );
  });

  it("encodes what msgpackr decodes to the same value", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(msgpackr.unpack(encodeMessagePack(v))).toEqual(wellFormed(v));
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips, each length header at its boundaries", () => {
    for (const n of [0, 15, 16, 31, 32, 63, 64, 255, 256, 65535, 65536]) {
      const s = "x".repeat(n);
      const a = Array.from({ length: n }, (_, i) => i);
      const o = Object.fromEntries(a.map((i) => [`k${i}`, i]));
      const b = Buffer.alloc(n, 7);
      for (const v of [s, a, o, b]) {
        const encoded = encodeMessagePack(v);
        expect(decodeMessagePack(encoded)).toEqual(v);
        expect(msgpackr.unpack(encoded)).toEqual(v);
      }
    }
    for (const n of [
      0,
      127,
      128,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      2 ** 32,
      -1,
      -32,
      -33,
      -128,
      -129,
      -32768,
      -32769,
      -(2 ** 31),
      -(2 ** 31) - 1,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
    ]) {
      expect(decodeMessagePack(encodeMessagePack(n))).toBe(n);
      expect(msgpackr.unpack(encodeMessagePack(n))).toBe(n);
    }
  });

  it("follows JSON's rules for values JSON knows, so both encodings give the application the same values", () => {
    const date = new Date(1_700_000_000_123);
    const v = { a: undefined, f: () => 1, list: [undefined, () => 1, 1], date, nested: { toJSON: () => "custom" } };
    expect(decodeMessagePack(encodeMessagePack(v))).toEqual(JSON.parse(JSON.stringify(v)));
    expect(decodeMessagePack(encodeMessagePack(Number.NaN))).toBeNaN();
    expect(decodeMessagePack(encodeMessagePack(-Infinity))).toBe(-Infinity);
  });

  it("reads msgpackr's undefined and timestamps (what plantrpc 0.1 peers sent)", () => {
    expect(decodeMessagePack(msgpackr.pack({ a: undefined }))).toEqual({ a: undefined });
    const date = new Date(1_700_000_000_123);
    expect(decodeMessagePack(msgpackr.pack(date))).toEqual(date);
  });

  it("gives binary data back as a Buffer viewing the received bytes", () => {
    const encoded = encodeMessagePack({ data: new Uint8Array([1, 2, 3]) });
    const decoded = decodeMessagePack(encoded) as { data: Buffer };
    expect(Buffer.isBuffer(decoded.data)).toBe(true);
    expect(decoded.data.buffer).toBe(encoded.buffer);
  });

  it("keeps __proto__ an own property, as JSON.parse does", () => {
    const decoded = decodeMessagePack(msgpackr.pack(JSON.parse('{"__proto__": {"polluted": true}}'))) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(decoded)).toEqual(["__proto__"]);
  });

  it("refuses malformed input with a MessagePackError, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeMessagePack(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(MessagePackError);
        }
      }),
      { numRuns: 3000 },
    );
    expect(() => decodeMessagePack(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]))).toThrow(/truncated/);
    expect(() => decodeMessagePack(Buffer.from([0xc1]))).toThrow(/not a MessagePack type/);
    expect(() => decodeMessagePack(Buffer.from([0x01, 0x02]))).toThrow(/after the value/);
    expect(() => decodeMessagePack(Buffer.alloc(5000, 0x91))).toThrow(/nested deeper/);
    expect(() => encodeMessagePack(2n ** 70n)).toThrow(MessagePackError);
  });

  it("takes string and number keys, and refuses others: an array key of empty maps would become a huge string", () => {
    expect(decodeMessagePack(Buffer.from([0x81, 0x05, 0xc3]))).toEqual({ 5: true });
    // {[{}, {}, ... 1000 times]: 1}: 1 KB that String() would make 15 KB of "[object Object],..."
    const arrayKey = Buffer.concat([Buffer.from([0x81, 0xdc, 0x03, 0xe8]), Buffer.alloc(1000, 0x80), Buffer.from([1])]);
    expect(() => decodeMessagePack(arrayKey)).toThrow(MessagePackError);
    expect(() => decodeMessagePack(Buffer.from([0x81, 0xc0, 0x01]))).toThrow(/neither a string nor a number \(nil\)/);
  });

  it("survives a toJSON that encodes in turn", () => {
    const nested = encodeMessagePack({ deep: [1, 2] });
    const inner = { toJSON: () => encodeMessagePack({ deep: [1, 2] }) };
    expect(decodeMessagePack(encodeMessagePack({ x: inner, y: "after" }))).toEqual({ x: nested, y: "after" });
  });
});

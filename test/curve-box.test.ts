import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boxKey, open, PrefixedBoxes, publicKeyOf, seal } from "../src/zmq/mechanism/curve-box.js";

// Computed with libsodium (PyNaCl's crypto_box_beforenm and crypto_box) from the same inputs.
const A_SECRET = Uint8Array.from({ length: 32 }, (_, i) => i);
const B_SECRET = Uint8Array.from({ length: 32 }, (_, i) => i + 32);
const NONCE = Uint8Array.from({ length: 24 }, (_, i) => i);
const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

describe("crypto_box (NaCl) from @noble primitives", () => {
  it("matches libsodium: public keys, the shared key and the box", () => {
    expect(hex(publicKeyOf(A_SECRET))).toBe("8f40c5adb68f25624ae5b214ea767a6ec94d829d3d7b5e1ad1ba6f3e2138285f");
    expect(hex(publicKeyOf(B_SECRET))).toBe("358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254");
    const key = boxKey(publicKeyOf(B_SECRET), A_SECRET);
    expect(hex(key)).toBe("429b61f5d96e37268dfc5114849d599c9ceabffdb68c1f52cd0499af30f5b377");
    expect(hex(seal(key, NONCE, new TextEncoder().encode("hello curve")))).toBe(
      "4a54af733eabd98fe543b9f0bac33bb30bb7d35c13582bda3305d3",
    );
  });

  it("opens what it seals, from either side, and nothing tampered with", () => {
    const key = boxKey(publicKeyOf(B_SECRET), A_SECRET);
    const other = boxKey(publicKeyOf(A_SECRET), B_SECRET);
    const box = seal(key, NONCE, new Uint8Array([1, 2, 3]));
    expect(open(other, NONCE, box)).toEqual(new Uint8Array([1, 2, 3]));
    box[17]! ^= 1;
    expect(open(other, NONCE, box)).toBeUndefined();
    expect(open(other, NONCE, new Uint8Array(5))).toBeUndefined();
  });
});

describe("PrefixedBoxes (HSalsa20 once per nonce prefix)", () => {
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

  it("seals exactly as xsalsa20poly1305 with the whole nonce, and opens what that seals", () => {
    fc.assert(
      fc.property(bytes(32), bytes(16), bytes(8), fc.uint8Array({ maxLength: 300 }), (key, prefix, tail, plain) => {
        const nonce = new Uint8Array([...prefix, ...tail]);
        const expected = seal(key, nonce, plain);
        const buffer = new Uint8Array(32 + plain.length);
        buffer.set(plain, 32);
        new PrefixedBoxes(key, prefix).sealInPlace(tail, buffer);
        expect(hex(buffer.subarray(16))).toBe(hex(expected));
        expect(new PrefixedBoxes(key, prefix).open(tail, expected)).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });

  it("opens nothing altered, sealed under another nonce, or too short", () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(16),
        bytes(8),
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        (key, prefix, tail, plain, at) => {
          const boxes = new PrefixedBoxes(key, prefix);
          const box = seal(key, new Uint8Array([...prefix, ...tail]), plain);
          const altered = Uint8Array.from(box);
          altered[at % altered.length]! ^= 1;
          expect(boxes.open(tail, altered)).toBeUndefined();
          const otherTail = Uint8Array.from(tail);
          otherTail[0]! ^= 1;
          expect(boxes.open(otherTail, box)).toBeUndefined();
          expect(boxes.open(tail, box.subarray(0, 15))).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CurveBoxes, loadCurveBoxes } from "../src/zmq/mechanism/curve/curve-box.js";
import { nobleBoxes } from "./helpers/curve-noble.js";

// Computed with libsodium (PyNaCl's crypto_box_beforenm and crypto_box) from the same inputs.
const A_SECRET = Uint8Array.from({ length: 32 }, (_, i) => i);
const B_SECRET = Uint8Array.from({ length: 32 }, (_, i) => i + 32);
const NONCE = Uint8Array.from({ length: 24 }, (_, i) => i);
const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

const sodium = await loadCurveBoxes();
const implementations: Array<[string, CurveBoxes]> = [
  ["libsodium (WebAssembly)", sodium],
  ["@noble", nobleBoxes],
];

/** Plaintexts of every size class a MESSAGE box meets: empty, small, around 8 KiB, 64 KiB, 1 MiB. */
const plaintexts = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 2, arbitrary: fc.integer({ min: 8100, max: 8300 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
  { weight: 1, arbitrary: fc.constantFrom(65536, 65537, 1 << 20).map((n) => new Uint8Array(n).fill(7)) },
);

describe.each(implementations)("crypto_box: %s", (_name, boxes) => {
  it("matches libsodium's vectors: public keys, the shared key and the box", () => {
    expect(hex(boxes.publicKeyOf(A_SECRET))).toBe("8f40c5adb68f25624ae5b214ea767a6ec94d829d3d7b5e1ad1ba6f3e2138285f");
    expect(hex(boxes.publicKeyOf(B_SECRET))).toBe("358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254");
    const key = boxes.boxKey(boxes.publicKeyOf(B_SECRET), A_SECRET);
    expect(hex(key)).toBe("429b61f5d96e37268dfc5114849d599c9ceabffdb68c1f52cd0499af30f5b377");
    expect(hex(boxes.seal(key, NONCE, new TextEncoder().encode("hello curve")))).toBe(
      "4a54af733eabd98fe543b9f0bac33bb30bb7d35c13582bda3305d3",
    );
  });

  it("opens what it seals, from either side, and nothing tampered with", () => {
    const key = boxes.boxKey(boxes.publicKeyOf(B_SECRET), A_SECRET);
    const other = boxes.boxKey(boxes.publicKeyOf(A_SECRET), B_SECRET);
    const box = boxes.seal(key, NONCE, new Uint8Array([1, 2, 3]));
    expect(boxes.open(other, NONCE, box)).toEqual(new Uint8Array([1, 2, 3]));
    box[17]! ^= 1;
    expect(boxes.open(other, NONCE, box)).toBeUndefined();
    expect(boxes.open(other, NONCE, new Uint8Array(5))).toBeUndefined();
  });

  it("key pairs: the public key is the secret key's", () => {
    const pair = boxes.generateKeyPair();
    expect(hex(boxes.publicKeyOf(pair.secretKey))).toBe(hex(pair.publicKey));
  });

  it("prefixed boxes seal as the whole nonce does, and open what that seals", () => {
    fc.assert(
      fc.property(bytes(32), bytes(16), bytes(8), plaintexts, (key, prefix, tail, plain) => {
        const expected = boxes.seal(key, new Uint8Array([...prefix, ...tail]), plain);
        const buffer = new Uint8Array(32 + plain.length);
        buffer.set(plain, 32);
        boxes.prefixed(key, prefix).sealInPlace(tail, buffer);
        expect(Buffer.from(buffer.subarray(16)).equals(Buffer.from(expected))).toBe(true);
        expect(Buffer.from(boxes.prefixed(key, prefix).open(tail, expected)!).equals(Buffer.from(plain))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("MESSAGE frames: the head, then the box of the flags octet and the body", () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(16),
        bytes(8),
        bytes(16),
        fc.integer({ min: 0, max: 3 }),
        plaintexts,
        (key, prefix, tail, head, flags, body) => {
          const frame = boxes.prefixed(key, prefix).sealMessage(tail, head, flags, body);
          const expected = boxes.seal(key, new Uint8Array([...prefix, ...tail]), new Uint8Array([flags, ...body]));
          expect(Buffer.from(frame.subarray(0, 16)).equals(Buffer.from(head))).toBe(true);
          expect(Buffer.from(frame.subarray(16)).equals(Buffer.from(expected))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("prefixed boxes open nothing altered, sealed under another nonce, or too short", () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(16),
        bytes(8),
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        (key, prefix, tail, plain, at) => {
          const prefixed = boxes.prefixed(key, prefix);
          const box = boxes.seal(key, new Uint8Array([...prefix, ...tail]), plain);
          const altered = Uint8Array.from(box);
          altered[at % altered.length]! ^= 1;
          expect(prefixed.open(tail, altered)).toBeUndefined();
          const otherTail = Uint8Array.from(tail);
          otherTail[0]! ^= 1;
          expect(prefixed.open(otherTail, box)).toBeUndefined();
          expect(prefixed.open(tail, box.subarray(0, 15))).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("libsodium's boxes and @noble's, value for value", () => {
  it("the same public keys, shared keys, boxes and MESSAGE boxes from the same inputs", () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), bytes(24), plaintexts, (ours, theirs, nonce, plain) => {
        expect(hex(sodium.publicKeyOf(ours))).toBe(hex(nobleBoxes.publicKeyOf(ours)));
        const key = sodium.boxKey(nobleBoxes.publicKeyOf(theirs), ours);
        expect(hex(key)).toBe(hex(nobleBoxes.boxKey(nobleBoxes.publicKeyOf(theirs), ours)));
        const box = sodium.seal(key, nonce, plain);
        expect(Buffer.from(box).equals(Buffer.from(nobleBoxes.seal(key, nonce, plain)))).toBe(true);
        expect(Buffer.from(nobleBoxes.open(key, nonce, box)!).equals(Buffer.from(plain))).toBe(true);
        const inPlace = (impl: CurveBoxes) => {
          const buffer = new Uint8Array(32 + plain.length);
          buffer.set(plain, 32);
          impl.prefixed(key, nonce.subarray(0, 16)).sealInPlace(nonce.subarray(16), buffer);
          return Buffer.from(buffer.subarray(16));
        };
        expect(inPlace(sodium).equals(inPlace(nobleBoxes))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("curveKeyPair() (the runtime's X25519, synchronous)", () => {
  it("gives 40-character Z85 keys whose public half is the secret's", async () => {
    const { curveKeyPair } = await import("../src/zmq/curve-keypair.js");
    const { z85Decode } = await import("../src/zmq/mechanism/z85.js");
    for (let i = 0; i < 20; i++) {
      const { publicKey, secretKey } = curveKeyPair();
      expect([publicKey.length, secretKey.length]).toEqual([40, 40]);
      expect(hex(sodium.publicKeyOf(z85Decode(secretKey)!))).toBe(hex(z85Decode(publicKey)!));
    }
  });
});

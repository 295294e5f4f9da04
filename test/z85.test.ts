import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z85Decode, z85Encode } from "../src/zmq/mechanism/z85.js";

describe("Z85 (RFC 32)", () => {
  it("encodes the RFC's test case", () => {
    const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(z85Encode(bytes)).toBe("HelloWorld");
    expect(z85Decode("HelloWorld")).toEqual(bytes);
  });

  it("decodes what it encodes, any multiple of 4 octets", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 16 }).chain((n) => fc.uint8Array({ minLength: n * 4, maxLength: n * 4 })),
        (bytes) => {
          expect(z85Decode(z85Encode(bytes))).toEqual(bytes);
        },
      ),
    );
  });

  it("refuses what is not Z85", () => {
    expect(z85Decode("Hello")).toEqual(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f]));
    expect(z85Decode("Hell")).toBeUndefined();
    expect(z85Decode("Hell~")).toBeUndefined();
    expect(z85Decode("#####")).toBeUndefined(); // beyond 2^32 - 1
    expect(() => z85Encode(new Uint8Array(3))).toThrow(RangeError);
  });
});

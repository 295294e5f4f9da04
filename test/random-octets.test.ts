import { describe, expect, it } from "vitest";
import { randomOctets, secretOctets } from "../src/zmq/util/random-octets.js";

describe("random octets", () => {
  it("hands each octet of the pool out once, in order, across refills", () => {
    let last: Buffer | undefined;
    let refills = 0;
    for (let i = 0; i < 1000; i++) {
      const piece = randomOctets(16 + (i % 7));
      expect(piece.length).toBe(16 + (i % 7));
      if (last && piece.buffer === last.buffer) {
        // The same pool: this piece starts where the last one ended, never inside it.
        expect(piece.byteOffset).toBe(last.byteOffset + last.length);
      } else if (last) {
        refills++;
        expect(piece.byteOffset).toBe(0);
      }
      last = piece;
    }
    // About 19,000 octets drawn: the pool (4 KiB) was refilled several times.
    expect(refills).toBeGreaterThanOrEqual(4);
  });

  it("keeps the pool in memory of its own, not in Node's shared one", () => {
    const piece = randomOctets(8);
    expect(piece.buffer.byteLength).toBe(4096);
    expect(Buffer.allocUnsafe(8).buffer).not.toBe(piece.buffer);
  });

  it("gives each secret memory of its own, apart from the pool", () => {
    const secrets = Array.from({ length: 8 }, () => secretOctets(32));
    const wire = randomOctets(16);
    for (const secret of secrets) {
      expect(secret.byteOffset).toBe(0);
      expect(secret.buffer.byteLength).toBe(32);
      expect(secret.buffer).not.toBe(wire.buffer);
    }
    expect(new Set(secrets.map((s) => Buffer.from(s).toString("hex"))).size).toBe(8);
  });

  it("refuses a draw larger than the pool rather than handing out fewer octets", () => {
    expect(() => randomOctets(4097)).toThrow(RangeError);
    expect(() => randomOctets(-1)).toThrow(RangeError);
    expect(randomOctets(4096).length).toBe(4096);
  });
});

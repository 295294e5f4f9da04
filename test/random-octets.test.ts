import { describe, expect, it } from "vitest";
import { randomOctets, secretOctets } from "../src/zmq/util/random-octets.js";

describe("random octets drawn from one pool", () => {
  it("hands each octet out once, across refills of the pool", () => {
    // 16-octet pieces, well past one 4 KiB pool: any piece handed out twice would repeat.
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const piece = i % 3 ? randomOctets(16) : Buffer.from(secretOctets(16));
      expect(piece.length).toBe(16);
      seen.add(piece.toString("hex"));
    }
    expect(seen.size).toBe(1000);
  });

  it("gives a secret memory of its own, and wipes the pool's copy", () => {
    let checked = 0;
    // A refill between the two draws would put them in different pools: try again then.
    for (let i = 0; i < 3 && checked === 0; i++) {
      const secret = secretOctets(32);
      const after = randomOctets(16);
      expect(secret.buffer).not.toBe(after.buffer);
      expect(secret.byteLength).toBe(secret.buffer.byteLength);
      if (after.byteOffset < 32) continue;
      // The secret came from just before `after` in the same pool: that range now holds zeros.
      expect(Buffer.from(after.buffer, after.byteOffset - 32, 32).every((octet) => octet === 0)).toBe(true);
      expect(Buffer.from(secret).every((octet) => octet === 0)).toBe(false);
      checked++;
    }
    expect(checked).toBe(1);
  });
});

import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a token given by a client with the expected one in a time that depends on neither:
 * their digests are compared, so that not even the expected token's length shows.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(Buffer.from(s, "utf8")).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

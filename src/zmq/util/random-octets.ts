import { Buffer } from "node:buffer";

const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let at = 0;

/** The next n octets of the pool, refilled from the web-standard CSPRNG (Node, Bun, Deno, browsers). */
function take(n: number): Buffer {
  if (at + n > pool.length) {
    pool = Buffer.allocUnsafe(POOL_SIZE);
    crypto.getRandomValues(pool);
    at = 0;
  }
  const octets = pool.subarray(at, at + n);
  at += n;
  return octets;
}

/**
 * Fresh random octets for what goes on the wire (nonces, WebSocket masks): a view over a pool
 * drawn 4 KiB at a time, because each getRandomValues call costs about 10 us and a CURVE
 * handshake asks for several pieces. Each octet is handed out once. At most 4 KiB at a time.
 */
export function randomOctets(n: number): Buffer {
  return take(n);
}

/**
 * Fresh random octets for a secret (a key): from the same pool, but copied out and the pool's
 * copy wiped, so that the secret shares no memory with what is sent and lives only as long as
 * its owner keeps it.
 */
export function secretOctets(n: number): Uint8Array {
  const drawn = take(n);
  const secret = Uint8Array.from(drawn);
  drawn.fill(0);
  return secret;
}

import { Buffer } from "node:buffer";

const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let at = 0;

/**
 * Fresh random octets for what goes on the wire (nonces, WebSocket masks): a view over a pool
 * drawn 4 KiB at a time from the web-standard CSPRNG (Node, Bun, Deno, browsers), because each
 * getRandomValues call costs about 10 us and a CURVE handshake asks for several pieces. Each
 * octet is handed out once. Never for secrets (secretOctets): a view's buffer reaches the rest
 * of the pool.
 */
export function randomOctets(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > POOL_SIZE)
    throw new RangeError(`randomOctets() draws 0 to ${POOL_SIZE} octets, not ${n}`);
  if (at + n > pool.length) {
    // Its own memory, never a slice of Node's shared pool (which Buffer.poolSize can enlarge).
    pool = Buffer.allocUnsafeSlow(POOL_SIZE);
    crypto.getRandomValues(pool);
    at = 0;
  }
  const octets = pool.subarray(at, at + n);
  at += n;
  return octets;
}

/**
 * Fresh random octets for a secret (a key), straight from the CSPRNG into memory of their own:
 * nothing sent shares it, and no pool filled earlier (before a start-up snapshot, say) can hand
 * the same secret to two processes.
 */
export function secretOctets(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

// CURVE's key agreement (X25519, then HSalsa20: NaCl's crypto_box_beforenm) with the runtime's
// own X25519 (node:crypto: OpenSSL on Node, the runtime's on Bun and Deno) and @noble/ciphers'
// HSalsa20, instead of libsodium's WebAssembly: a handshake does eight of them, and there they
// cost about 250 microseconds each against 70. MESSAGE boxes stay libsodium's.
import { Buffer } from "node:buffer";
import { createPublicKey, diffieHellman, type KeyObject } from "node:crypto";
import { hsalsa } from "@noble/ciphers/salsa.js";
import type { KeyPair } from "./curve-primitive.js";
import { b64, importSecretKey, madeHere, publicOctets, x25519KeyPair } from "./curve-x25519-keys.js";

/** What the handshake needs besides boxes: key pairs, and the key two parties share. */
export interface KeyAgreement {
  generateKeyPair(): KeyPair;
  publicKeyOf(secretKey: Uint8Array): Uint8Array;
  /** crypto_box_beforenm; throws for a public key of small order (no shared key). */
  boxKey(theirPublic: Uint8Array, ourSecret: Uint8Array): Uint8Array;
}

/** "expand 32-byte k" as four little-endian words (noble's hsalsa swaps them on big-endian hosts). */
const SIGMA = new Uint32Array(Uint8Array.from(Buffer.from("expand 32-byte k", "latin1")).buffer);
const ZERO_NONCE = new Uint32Array(4);

/**
 * The key object kept under `value` in `map`, else `make()`'s, kept: a bounded map, the least
 * recently used dropped first.
 */
function keptOrMade(map: Map<string, KeyObject>, value: string, make: () => KeyObject): KeyObject {
  const object = map.get(value) ?? make();
  map.delete(value); // set again: the most recently used last
  if (map.size >= KEPT_LIMIT) map.delete(map.keys().next().value!);
  map.set(value, object);
  return object;
}

const KEPT_LIMIT = 64;

/**
 * Secret keys given as text or octets (permanent keys, as sockets are given them) imported once:
 * importing a raw secret key as PKCS #8 costs about 0.6-0.8 ms with OpenSSL 3, as a JWK 50
 * microseconds, still as much as an agreement.
 */
const secretKeys = new Map<string, KeyObject>();

function secretKeyObject(secret: Uint8Array): KeyObject {
  return madeHere.get(secret) ?? keptOrMade(secretKeys, b64(secret), () => importSecretKey(secret));
}

/**
 * Public keys as key objects, kept by value: a server imports each client's transient key twice
 * otherwise (HELLO, then INITIATE), a client its server's permanent key at every connection.
 * Public: nothing secret is kept.
 */
const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(key: Uint8Array): KeyObject {
  const x = b64(key);
  return keptOrMade(publicKeys, x, () => createPublicKey({ key: { kty: "OKP", crv: "X25519", x }, format: "jwk" }));
}

/** HSalsa20 of a shared secret under the zero nonce: crypto_box_beforenm's last step. */
function hsalsaKey(shared: Uint8Array): Uint8Array {
  const out = new Uint32Array(8);
  hsalsa(SIGMA, new Uint32Array(Uint8Array.from(shared).buffer), ZERO_NONCE, out);
  return new Uint8Array(out.buffer);
}

const nodeAgreement: KeyAgreement = {
  generateKeyPair: x25519KeyPair,
  publicKeyOf: (secret) => publicOctets(secretKeyObject(secret)),
  boxKey(theirPublic, ourSecret) {
    const shared = diffieHellman({ privateKey: secretKeyObject(ourSecret), publicKey: publicKeyObject(theirPublic) });
    // OpenSSL refuses a small-order point; a runtime that does not gives zeros, refused here.
    if (shared.every((b) => b === 0)) throw new Error("X25519 with a public key of small order");
    return hsalsaKey(shared);
  },
};

/**
 * The runtime's key agreement when it gives libsodium's results (checked once, on a pair of
 * keys, against `reference`); else undefined, and libsodium's is used.
 */
export function runtimeKeyAgreement(reference: KeyAgreement): KeyAgreement | undefined {
  try {
    const a = nodeAgreement.generateKeyPair();
    const b = reference.generateKeyPair();
    const same = (x: Uint8Array, y: Uint8Array) => Buffer.from(x).equals(Buffer.from(y));
    const agrees =
      same(nodeAgreement.publicKeyOf(b.secretKey), b.publicKey) &&
      same(reference.publicKeyOf(a.secretKey), a.publicKey) &&
      same(nodeAgreement.boxKey(a.publicKey, b.secretKey), reference.boxKey(a.publicKey, b.secretKey)) &&
      same(nodeAgreement.boxKey(b.publicKey, a.secretKey), reference.boxKey(b.publicKey, a.secretKey));
    return agrees ? nodeAgreement : undefined;
  } catch {
    return undefined;
  }
}

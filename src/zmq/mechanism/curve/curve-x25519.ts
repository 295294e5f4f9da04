// CURVE's key agreement (X25519, then HSalsa20: NaCl's crypto_box_beforenm) with the runtime's
// own X25519 (node:crypto: OpenSSL on Node, the runtime's on Bun and Deno) and @noble/ciphers'
// HSalsa20, instead of libsodium's WebAssembly: a handshake does eight of them, and there they
// cost about 250 microseconds each against 70. MESSAGE boxes stay libsodium's.
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto";
import { hsalsa } from "@noble/ciphers/salsa.js";
import type { KeyPair } from "./curve-primitive.js";

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

const raw = (text: string | undefined) => new Uint8Array(Buffer.from(text ?? "", "base64url"));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/**
 * Our secret keys as node:crypto key objects. Importing a raw secret key as PKCS #8 costs about
 * 0.6-0.8 ms with OpenSSL 3, as a JWK 50 microseconds (its `x` must be there, but the key is
 * derived from `d`: the check at load holds the runtime to that), and a key made here is one
 * already: so keys are remembered by identity (a transient pair's, while it lives) and by value
 * for the few others (permanent keys; a bounded map).
 */
const byIdentity = new WeakMap<Uint8Array, KeyObject>();
const byValue = new Map<string, KeyObject>();
const BY_VALUE_LIMIT = 64;

function remember(secret: Uint8Array, key: KeyObject, byItsValue: boolean): void {
  byIdentity.set(secret, key);
  if (!byItsValue) return;
  if (byValue.size >= BY_VALUE_LIMIT) byValue.delete(byValue.keys().next().value!);
  byValue.set(b64(secret), key);
}

/** Stands for the public half in a secret key's JWK (see above). */
const ANY_X = b64(new Uint8Array(32));

function secretKeyObject(secret: Uint8Array): KeyObject {
  const known = byIdentity.get(secret) ?? byValue.get(b64(secret));
  if (known) return known;
  const key = importSecretKey(secret);
  remember(secret, key, true);
  return key;
}

const importSecretKey = (secret: Uint8Array): KeyObject =>
  createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: b64(secret), x: ANY_X }, format: "jwk" });

/**
 * A new key pair: 32 random octets (X25519 takes any, as libsodium's crypto_box_keypair makes
 * them) and the public key the runtime derives. Not generateKeyPairSync(): on Node 20, exporting
 * a key it made can deadlock the process (the export holds the key's lock while it allocates; a
 * garbage collection then frees the finished generation job, whose destructor takes the same
 * lock; test/curve-x25519.test.ts runs the pattern). `byValue`: also remembered by its
 * value, for a key pair handed out as text (curveKeyPair()) and given back to a socket.
 */
export function x25519KeyPair(byValue: boolean): KeyPair {
  derives ??= derivesPublicKeys();
  if (!derives) return generatedKeyPair(byValue);
  const secretKey = new Uint8Array(32);
  crypto.getRandomValues(secretKey);
  const key = importSecretKey(secretKey);
  remember(secretKey, key, byValue);
  return { publicKey: raw(createPublicKey(key).export({ format: "jwk" }).x), secretKey };
}

let derives: boolean | undefined;

/** RFC 7748's test vector (section 6.1, Alice): whether the runtime derives `x` from `d`. */
function derivesPublicKeys(): boolean {
  try {
    const secret = Buffer.from("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", "hex");
    const x = createPublicKey(importSecretKey(secret)).export({ format: "jwk" }).x;
    return x === b64(Buffer.from("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", "hex"));
  } catch {
    return false;
  }
}

/** A runtime's own key generation, where it does not derive (none known: Node, Bun and Deno do). */
function generatedKeyPair(byValue: boolean): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const pair = {
    publicKey: raw(publicKey.export({ format: "jwk" }).x),
    secretKey: raw(privateKey.export({ format: "jwk" }).d),
  };
  remember(pair.secretKey, privateKey, byValue);
  return pair;
}

const publicKeyObject = (key: Uint8Array): KeyObject =>
  createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b64(key) }, format: "jwk" });

/** HSalsa20 of a shared secret under the zero nonce: crypto_box_beforenm's last step. */
function hsalsaKey(shared: Uint8Array): Uint8Array {
  const out = new Uint32Array(8);
  hsalsa(SIGMA, new Uint32Array(Uint8Array.from(shared).buffer), ZERO_NONCE, out);
  return new Uint8Array(out.buffer);
}

const nodeAgreement: KeyAgreement = {
  generateKeyPair: () => x25519KeyPair(false),
  publicKeyOf: (secret) => raw(createPublicKey(secretKeyObject(secret)).export({ format: "jwk" }).x),
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

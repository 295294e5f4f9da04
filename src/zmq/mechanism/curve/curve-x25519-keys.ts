// X25519 key pairs made with node:crypto, for the key agreement (curve-x25519.ts) and
// curveKeyPair(): apart from the agreement, so that a program that only makes keys loads no more.
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { secretOctets } from "../../util/random-octets.js";
import type { KeyPair } from "./curve-primitive.js";

export const raw = (text: string | undefined) => new Uint8Array(Buffer.from(text ?? "", "base64url"));
/** The raw public key of a key object (a secret key's: the public key the runtime derives). */
export const publicOctets = (key: KeyObject): Uint8Array => raw(createPublicKey(key).export({ format: "jwk" }).x);
/** Base64url of octets, read in place (a copy of a secret would stay in memory unwiped). */
export const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");

/**
 * The key objects of the secret keys made here, as long as their octets live: the handshake
 * uses a transient key right after making it, and importing it again would cost as much as an
 * agreement (curve-x25519.ts keeps the others).
 */
export const madeHere = new WeakMap<Uint8Array, KeyObject>();

/** Stands for the public half in a secret key's JWK: node:crypto derives it from `d`. */
const ANY_X = b64(new Uint8Array(32));

export const importSecretKey = (secret: Uint8Array): KeyObject =>
  createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: b64(secret), x: ANY_X }, format: "jwk" });

let derives: boolean | undefined;

/**
 * A new key pair: 32 random octets (X25519 takes any, as libsodium's crypto_box_keypair makes
 * them) and the public key the runtime derives. Not generateKeyPairSync(): on Node 20, exporting
 * a key it made can deadlock the process (the export holds the key's lock while it allocates; a
 * garbage collection then frees the finished generation job, whose destructor takes the same
 * lock; test/curve-x25519.test.ts runs the pattern).
 */
export function x25519KeyPair(): KeyPair {
  derives ??= derivesPublicKeys();
  if (!derives) return generatedKeyPair();
  const secretKey = secretOctets(32);
  const key = importSecretKey(secretKey);
  madeHere.set(secretKey, key);
  return { publicKey: publicOctets(key), secretKey };
}

/**
 * The public key of a secret key (libzmq's zmq_curve_public). Through the JWK import where the
 * runtime derives `x` from `d` (about 0.1 ms), else through PKCS #8 (0.6-0.8 ms in OpenSSL 3).
 */
export function x25519PublicKey(secret: Uint8Array): Uint8Array {
  derives ??= derivesPublicKeys();
  return derives ? publicOctets(importSecretKey(secret)) : pkcs8PublicKey(secret);
}

/** The public key through PKCS #8's wrapping of the secret (RFC 8410), which every runtime reads. */
export function pkcs8PublicKey(secret: Uint8Array): Uint8Array {
  const der = Buffer.concat([Buffer.from(PKCS8_PREFIX, "hex"), secret]);
  try {
    return publicOctets(createPrivateKey({ key: der, format: "der", type: "pkcs8" }));
  } finally {
    der.fill(0);
  }
}

const PKCS8_PREFIX = "302e020100300506032b656e04220420";

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
function generatedKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const pair = {
    publicKey: raw(publicKey.export({ format: "jwk" }).x),
    secretKey: raw(privateKey.export({ format: "jwk" }).d),
  };
  madeHere.set(pair.secretKey, privateKey);
  return pair;
}

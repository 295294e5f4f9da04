// X25519 key pairs and secret keys as node:crypto key objects, for the key agreement
// (curve-x25519.ts) and curveKeyPair(); apart from the agreement so that making keys does not
// load HSalsa20.
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { unref } from "../../util/timers.js";
import type { KeyPair } from "./curve-primitive.js";

export const raw = (text: string | undefined) => new Uint8Array(Buffer.from(text ?? "", "base64url"));
export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/**
 * Importing a raw secret key as PKCS #8 costs about 0.6-0.8 ms with OpenSSL 3, as a JWK 50
 * microseconds, and a key made here is a key object already: so each is remembered by identity
 * (a transient pair's, as long as its octets live), and a few by value (the permanent keys
 * sockets are given as text: a bounded map, the least recently used dropped first).
 */
const byIdentity = new WeakMap<Uint8Array, KeyObject>();
const byValue = new Map<string, KeyObject>();
const BY_VALUE_LIMIT = 64;

/**
 * Pairs curveKeyPair() made in the last second, by value, until a socket first uses one (a
 * program makes a pair and gives it to a socket at once). Not kept longer: keys made for others
 * (certificates) should not stay in this process's maps.
 */
const justMade = new Map<string, KeyObject>();
const JUST_MADE_LIMIT = 8;
let forgetting = false;

/** The key object of a secret key, imported once (see above). */
export function secretKeyObject(secret: Uint8Array): KeyObject {
  const known = byIdentity.get(secret);
  if (known) return known;
  const value = b64(secret);
  const key = byValue.get(value) ?? justMade.get(value) ?? importSecretKey(secret);
  justMade.delete(value);
  byValue.delete(value); // set again below: the most recently used last
  if (byValue.size >= BY_VALUE_LIMIT) byValue.delete(byValue.keys().next().value!);
  byValue.set(value, key);
  byIdentity.set(secret, key);
  return key;
}

/** Stands for the public half in a secret key's JWK: node:crypto derives it from `d`. */
const ANY_X = b64(new Uint8Array(32));

const importSecretKey = (secret: Uint8Array): KeyObject =>
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
  const secretKey = new Uint8Array(32);
  crypto.getRandomValues(secretKey);
  const key = importSecretKey(secretKey);
  byIdentity.set(secretKey, key);
  return { publicKey: raw(createPublicKey(key).export({ format: "jwk" }).x), secretKey };
}

/** A pair for curveKeyPair(): its key object kept a moment for the socket it is given to. */
export function x25519KeyPairToHandOut(): KeyPair {
  const pair = x25519KeyPair();
  if (justMade.size >= JUST_MADE_LIMIT) justMade.delete(justMade.keys().next().value!);
  justMade.set(b64(pair.secretKey), secretKeyObject(pair.secretKey));
  if (!forgetting) {
    forgetting = true;
    unref(
      setTimeout(() => {
        justMade.clear();
        forgetting = false;
      }, 1000),
    );
  }
  return pair;
}

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
  byIdentity.set(pair.secretKey, privateKey);
  return pair;
}

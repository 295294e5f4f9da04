import { poly1305 } from "@noble/ciphers/_poly1305.js";
import { hsalsa, salsa20, xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import { equalBytes } from "@noble/ciphers/utils.js";
import { x25519 } from "@noble/curves/ed25519.js";

/**
 * NaCl's crypto_box from @noble's audited primitives (X25519, HSalsa20, XSalsa20-Poly1305): the
 * implementation CURVE used before libsodium's WebAssembly build replaced it (issue 21), kept as
 * the tests' second opinion (test/curve-box.test.ts compares the two value for value).
 */
export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function generateKeyPair(): KeyPair {
  const secretKey = x25519.utils.randomSecretKey();
  return { publicKey: x25519.getPublicKey(secretKey), secretKey };
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

// "expand 32-byte k", as four little-endian words.
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

/** crypto_box_beforenm: the key two parties share, computed once per pair of keys. */
export function boxKey(theirPublic: Uint8Array, ourSecret: Uint8Array): Uint8Array {
  const shared = x25519.getSharedSecret(ourSecret, theirPublic);
  const words = new Uint32Array(8);
  hsalsa(SIGMA, littleEndianWords(shared), new Uint32Array(4), words);
  return wordsToBytes(words);
}

/** crypto_box_afternm: tag and ciphertext (for the handshake's boxes; MESSAGEs use PrefixedBoxes). */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return xsalsa20poly1305(key, nonce).encrypt(plaintext);
}

/** crypto_box_open_afternm; undefined when the box was not made with that key and nonce. */
export function open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | undefined {
  if (box.length < 16) return undefined;
  try {
    return xsalsa20poly1305(key, nonce).decrypt(box);
  } catch {
    return undefined;
  }
}

/**
 * The same boxes as seal/open, for many nonces that share their first 16 octets (CurveZMQ's
 * MESSAGE nonces: a fixed prefix, then an 8-octet counter). XSalsa20 derives its key from those
 * 16 octets with HSalsa20, so it is done once here, and each box is Salsa20 under that key with
 * the last 8 octets, its first 32 keystream octets keying Poly1305, as NaCl's secretbox does.
 * This halves the cost of a small box (the library's per-call work dominates); test/curve-box
 * checks it equal to xsalsa20poly1305 on arbitrary input.
 */
export class PrefixedBoxes {
  private readonly subkey: Uint8Array;

  constructor(key: Uint8Array, prefix: Uint8Array) {
    const words = new Uint32Array(8);
    hsalsa(SIGMA, littleEndianWords(key), littleEndianWords(prefix.subarray(0, 16)), words);
    this.subkey = wordsToBytes(words);
  }

  /**
   * Seals in place: `buffer` holds 32 octets of room, then the plaintext; afterwards its octets
   * 16 onwards are the box (tag, then ciphertext) and the first 16 are free for a header.
   */
  sealInPlace(tail: Uint8Array, buffer: Uint8Array): void {
    buffer.fill(0, 0, 32); // the first keystream octets, which key Poly1305
    salsa20(this.subkey, tail, buffer, buffer);
    buffer.set(poly1305(buffer.subarray(32), buffer.subarray(0, 32)), 16);
  }

  sealMessage(tail: Uint8Array, head: Uint8Array, flags: number, body: Uint8Array): Uint8Array {
    const buffer = new Uint8Array(32 + 1 + body.length);
    buffer[32] = flags;
    buffer.set(body, 33);
    this.sealInPlace(tail, buffer);
    buffer.set(head.subarray(0, 16), 0);
    return buffer;
  }

  /** What the box holds; undefined when it was not sealed with this key and nonce. */
  open(tail: Uint8Array, box: Uint8Array): Uint8Array | undefined {
    if (box.length < 16) return undefined;
    const work = new Uint8Array(16 + box.length);
    work.set(box.subarray(16), 32);
    salsa20(this.subkey, tail, work, work);
    if (!equalBytes(poly1305(box.subarray(16), work.subarray(0, 32)), box.subarray(0, 16))) return undefined;
    return work.subarray(32);
  }
}

function littleEndianWords(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

function wordsToBytes(words: Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i]!, true);
  return out;
}

/** The same functions as the library's CurveBoxes interface (src/zmq/mechanism/curve/curve-box.ts). */
export const nobleBoxes = {
  generateKeyPair,
  publicKeyOf,
  boxKey,
  seal,
  open,
  prefixed: (key: Uint8Array, prefix: Uint8Array) => new PrefixedBoxes(key, prefix),
};

/**
 * The cryptography CurveZMQ is built on, NaCl's crypto_box (X25519, then XSalsa20-Poly1305), as
 * one small interface so that the primitive can be swapped: libsodium's WebAssembly build here
 * (curve-sodium.ts), loaded once and only by a program that uses CURVE; @noble's, kept for the
 * tests, checks it value for value (test/helpers/curve-noble.ts). A box is 16 octets (the tag)
 * longer than what it holds, tag first.
 */
export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/**
 * Boxes for many nonces that share their first 16 octets (CurveZMQ's MESSAGE nonces: a fixed
 * prefix, then an 8-octet counter), under one key.
 */
export interface PrefixedBoxes {
  /**
   * Seals in place: `buffer` holds 32 octets of room, then the plaintext; afterwards its octets
   * 16 onwards are the box (tag, then ciphertext) and the first 16 are free for a header.
   */
  sealInPlace(tail: Uint8Array, buffer: Uint8Array): void;
  /**
   * A whole frame: `head` (16 octets), then the box of one `flags` octet and `body`, written
   * once into memory of its own (a CurveZMQ MESSAGE: command name, short nonce, box).
   */
  sealMessage(tail: Uint8Array, head: Uint8Array, flags: number, body: Uint8Array): Uint8Array;
  /** What the box holds (in memory of its own); undefined when it was not sealed so. */
  open(tail: Uint8Array, box: Uint8Array): Uint8Array | undefined;
}

export interface CurveBoxes {
  generateKeyPair(): KeyPair;
  publicKeyOf(secretKey: Uint8Array): Uint8Array;
  /** crypto_box_beforenm: the key two parties share, computed once per pair of keys. */
  boxKey(theirPublic: Uint8Array, ourSecret: Uint8Array): Uint8Array;
  /** crypto_box_easy_afternm: tag and ciphertext. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** crypto_box_open_easy_afternm; undefined when the box was not made with that key and nonce. */
  open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | undefined;
  prefixed(key: Uint8Array, prefix: Uint8Array): PrefixedBoxes;
}

import { plainError } from "./errors.js";
import { x25519KeyPair, x25519PublicKey } from "./mechanism/curve/curve-x25519-keys.js";
import { z85Decode, z85Encode } from "./mechanism/z85.js";

/**
 * A new CURVE key pair, as Z85 text (the native package's curveKeyPair). Synchronous, as the
 * native one: X25519 from the runtime's own cryptography (node:crypto on Node, Bun and Deno),
 * so that making keys does not wait for libsodium's module, which CURVE connections load.
 */
export function curveKeyPair(): {
  /** The public key, 40 characters of Z85: for peers (a server's goes in its clients' curveServerKey). */
  publicKey: string;
  /** The secret key, 40 characters of Z85: for this side's curveSecretKey only. */
  secretKey: string;
} {
  const { publicKey, secretKey } = x25519KeyPair();
  return { publicKey: z85Encode(publicKey), secretKey: z85Encode(secretKey) };
}

/**
 * The public key that belongs to a CURVE secret key (libzmq's zmq_curve_public), Z85 text in and
 * out. Throws a ZmqError (EINVAL) for text that is not a 40-character Z85 key.
 */
export function curvePublicKey(secretKey: string): string {
  const secret = typeof secretKey === "string" && secretKey.length === 40 ? z85Decode(secretKey) : undefined;
  if (!secret) throw plainError("EINVAL", "curvePublicKey() takes a secret key of 40 characters of Z85");
  return z85Encode(x25519PublicKey(secret));
}

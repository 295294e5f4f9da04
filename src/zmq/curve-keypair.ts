import { Buffer } from "node:buffer";
import { generateKeyPairSync } from "node:crypto";
import { z85Encode } from "./mechanism/z85.js";

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
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const raw = (key: string | undefined) => Buffer.from(key ?? "", "base64url");
  return {
    publicKey: z85Encode(raw(publicKey.export({ format: "jwk" }).x)),
    secretKey: z85Encode(raw(privateKey.export({ format: "jwk" }).d)),
  };
}

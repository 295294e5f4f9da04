import { generateKeyPair } from "./mechanism/curve-box.js";
import { z85Encode } from "./mechanism/z85.js";

/** A new CURVE key pair, as Z85 text (the native package's curveKeyPair). */
export function curveKeyPair(): { publicKey: string; secretKey: string } {
  const { publicKey, secretKey } = generateKeyPair();
  return { publicKey: z85Encode(publicKey), secretKey: z85Encode(secretKey) };
}

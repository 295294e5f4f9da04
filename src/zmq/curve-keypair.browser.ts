import { ZmqError } from "./errors.js";

/** curveKeyPair() in a web page: no synchronous X25519 there (and pages speak NULL). */
export function curveKeyPair(): { publicKey: string; secretKey: string } {
  throw new ZmqError("ENOTSUP", "curveKeyPair() is not available in a web page: make keys with plantrpc keygen");
}

/** curvePublicKey() in a web page: no X25519 there either. */
export function curvePublicKey(_secretKey: string): string {
  throw new ZmqError("ENOTSUP", "curvePublicKey() is not available in a web page");
}

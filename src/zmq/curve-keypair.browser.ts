import { ZmqError } from "./errors.js";

/** curveKeyPair() in a web page: no synchronous X25519 there (and pages speak NULL). */
export function curveKeyPair(): { publicKey: string; secretKey: string } {
  throw new ZmqError("ENOTSUP", "curveKeyPair() is not available in a web page: make keys with plantrpc keygen");
}

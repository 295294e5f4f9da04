import { Buffer } from "node:buffer";

/**
 * Octets as a map key (a routing id, a topic): latin1 text, one character per octet, so that
 * two keys are equal exactly when the octets are; the text is made without copying the octets.
 */
export function octetKey(octets: Uint8Array): string {
  return Buffer.from(octets.buffer, octets.byteOffset, octets.byteLength).toString("latin1");
}

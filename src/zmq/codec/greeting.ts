import { Buffer } from "node:buffer";
import { GREETING_SIZE, ZMTP_MAJOR, ZMTP_MINOR } from "./constants.js";
import { ProtocolError } from "../errors.js";

export interface Greeting {
  major: number;
  minor: number;
  mechanism: string;
  asServer: boolean;
}

const MECHANISM_OFFSET = 12;
const MECHANISM_SIZE = 20;

/** Our full 64-octet greeting. We do not downgrade to ZMTP 1.0/2.0, so we send it at once. */
export function encodeGreeting(mechanism: string, asServer: boolean): Uint8Array {
  const out = new Uint8Array(GREETING_SIZE);
  out[0] = 0xff;
  out[9] = 0x7f;
  out[10] = ZMTP_MAJOR;
  out[11] = ZMTP_MINOR;
  for (let i = 0; i < mechanism.length && i < MECHANISM_SIZE; i++) {
    out[MECHANISM_OFFSET + i] = mechanism.charCodeAt(i);
  }
  out[32] = asServer ? 1 : 0;
  return out;
}

/**
 * Checks the signature as soon as its 10 octets are there, so that a peer speaking another
 * protocol is dropped before we wait for 64 octets it may never send.
 */
export function checkSignature(bytes: Uint8Array): void {
  if (bytes.length >= 1 && bytes[0] !== 0xff) {
    throw new ProtocolError("EPROTO", "not a ZMTP peer: bad greeting signature");
  }
  if (bytes.length >= 10 && (bytes[9]! & 0x01) !== 0x01) {
    throw new ProtocolError("EPROTO", "not a ZMTP peer: bad greeting signature");
  }
  if (bytes.length >= 11 && bytes[10]! < ZMTP_MAJOR) {
    throw new ProtocolError(
      "EVERSION",
      `peer announces ZMTP major version ${bytes[10]}; only ZMTP 3.0 and later are supported`,
    );
  }
}

export function decodeGreeting(bytes: Uint8Array): Greeting {
  checkSignature(bytes);
  let mechanism = "";
  for (let i = 0; i < MECHANISM_SIZE; i++) {
    const c = bytes[MECHANISM_OFFSET + i]!;
    if (c === 0) break;
    mechanism += String.fromCharCode(c);
  }
  return { major: bytes[10]!, minor: bytes[11]!, mechanism, asServer: bytes[32] === 1 };
}

/**
 * Gathers a greeting that may arrive in pieces, checking the signature as soon as its octets
 * are there (so that another protocol is dropped before 64 octets it may never send).
 */
export class GreetingReader {
  private parts: Buffer[] = [];
  private length = 0;

  /** Takes greeting octets from `chunk`: the greeting and what follows it, once all have come. */
  read(chunk: Buffer): { greeting: Greeting; rest: Buffer } | undefined {
    const take = Math.min(GREETING_SIZE - this.length, chunk.length);
    this.parts.push(chunk.subarray(0, take));
    this.length += take;
    const soFar = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    checkSignature(soFar);
    if (this.length < GREETING_SIZE) return undefined;
    this.parts = [];
    return { greeting: decodeGreeting(soFar), rest: chunk.subarray(take) };
  }
}

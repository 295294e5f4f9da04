import { Buffer } from "node:buffer";
import { ProtocolError } from "../../errors.js";

/** CurveZMQ's nonces and the other small pieces its commands share (RFC 26). */

export function nonce(prefix: string, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(Buffer.from(prefix, "latin1"));
  out.set(tail, prefix.length);
  return out;
}

const TWO_32 = 0x1_0000_0000;

/** A short nonce (8 octets, big-endian); counters stay below 2^53, so numbers, not BigInts. */
export function writeShortNonce(view: DataView, n: number): void {
  view.setUint32(0, Math.floor(n / TWO_32));
  view.setUint32(4, n >>> 0);
}

export function shortNonce(n: number): Uint8Array {
  const out = new Uint8Array(8);
  writeShortNonce(new DataView(out.buffer), n);
  return out;
}

export function readShortNonce(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(0) * TWO_32 + view.getUint32(4);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export function malformed(what: "MESSAGE" | "WELCOME" | "READY" | "HELLO" | "INITIATE"): ProtocolError {
  return new ProtocolError("EPROTO", `malformed CURVE ${what}`, `ERR_ZMTP_MALFORMED_COMMAND_${what}`);
}

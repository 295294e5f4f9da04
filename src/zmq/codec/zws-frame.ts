import type { Buffer } from "node:buffer";
import { ProtocolError, ZmqError } from "../errors.js";
import { FLAG_COMMAND, FLAG_MORE, ZWS_COMMAND, ZWS_MORE } from "./constants.js";

/**
 * One ZWS 2.0 WebSocket message (RFC 45): a flags octet, then the frame's body (a view, not a
 * copy). Returns ZMTP's flag values, so that the rest of the engine need not know the carrier.
 */
export function decodeZwsFrame(message: Buffer, maxMessageSize: number): { flags: number; body: Buffer } {
  if (message.length === 0) throw new ProtocolError("EPROTO", "empty ZWS message (no flags octet)");
  const octet = message[0]!;
  if (octet & ~(ZWS_MORE | ZWS_COMMAND)) {
    throw new ProtocolError("EPROTO", `invalid ZWS flags 0x${octet.toString(16)}`);
  }
  const flags = (octet & ZWS_COMMAND ? FLAG_COMMAND : 0) | (octet & ZWS_MORE ? FLAG_MORE : 0);
  const body = message.subarray(1);
  if (maxMessageSize >= 0 && body.length > maxMessageSize) {
    throw new ZmqError("EMSGSIZE", `frame of ${body.length} octets exceeds maxMessageSize ${maxMessageSize}`);
  }
  return { flags, body };
}

import { Buffer } from "node:buffer";
import { ProtocolError } from "../errors.js";

/** A ZMTP command: a name of 1-255 letters and its data. */
export interface Command {
  name: string;
  data: Buffer;
}

export function encodeCommandBody(name: string, data: Uint8Array = EMPTY): Buffer {
  const body = Buffer.allocUnsafe(1 + name.length + data.length);
  body[0] = name.length;
  body.write(name, 1, "latin1");
  body.set(data, 1 + name.length);
  return body;
}

/**
 * libzmq 4.3's PLAIN server writes its ERROR command's name as the C literal "\x05ERROR", which
 * C reads as the octet 0x5E then "RROR" (a hex escape takes every hex digit after it); its own
 * client reads the same octets. So that its refusals reach us as refusals (status 400), not as
 * malformed commands, that exact prefix is read as ERROR. We send the command as RFC 23 has it.
 */
const LIBZMQ_PLAIN_ERROR = Buffer.from([0x5e, 0x52, 0x52, 0x4f, 0x52]);

export function decodeCommandBody(body: Buffer): Command {
  if (body.length > LIBZMQ_PLAIN_ERROR.length && body.subarray(0, 5).equals(LIBZMQ_PLAIN_ERROR))
    return { name: "ERROR", data: body.subarray(5) };
  if (body.length < 1)
    throw new ProtocolError("EPROTO", "empty command frame", "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED");
  const nameLength = body[0]!;
  if (nameLength === 0 || body.length < 1 + nameLength) {
    throw new ProtocolError("EPROTO", "truncated command name", "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED");
  }
  const name = body.toString("latin1", 1, 1 + nameLength);
  if (!/^[A-Za-z]+$/.test(name))
    throw new ProtocolError("EPROTO", "invalid command name", "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED");
  return { name, data: body.subarray(1 + nameLength) };
}

const EMPTY = new Uint8Array(0);

/** ERROR (RFC 37): a reason of at most 255 octets, behind its length. */
export function encodeErrorCommand(reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 255), "latin1");
  const data = Buffer.allocUnsafe(1 + text.length);
  data[0] = text.length;
  text.copy(data, 1);
  return encodeCommandBody("ERROR", data);
}

/** The reason an ERROR command carries; a length byte past the data is read as far as it goes. */
export function decodeErrorReason(data: Buffer): string {
  const length = data[0] ?? 0;
  return data.toString("latin1", 1, Math.min(data.length, 1 + length));
}

/** Connection metadata (READY and friends). Names compare case-insensitively. */
export type Metadata = Map<string, Buffer>;

export function encodeMetadata(properties: ReadonlyArray<[string, Uint8Array | string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of properties) {
    const v = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    const head = Buffer.allocUnsafe(1 + name.length + 4);
    head[0] = name.length;
    head.write(name, 1, "latin1");
    head.writeUInt32BE(v.length, 1 + name.length);
    parts.push(head, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  }
  return Buffer.concat(parts);
}

export function decodeMetadata(data: Buffer): Metadata {
  const out: Metadata = new Map();
  let off = 0;
  while (off < data.length) {
    const nameLength = data[off]!;
    if (nameLength === 0 || off + 1 + nameLength + 4 > data.length) {
      throw new ProtocolError("EPROTO", "malformed metadata property", "ERR_ZMTP_INVALID_METADATA");
    }
    const name = data.toString("latin1", off + 1, off + 1 + nameLength).toLowerCase();
    off += 1 + nameLength;
    const valueLength = data.readUInt32BE(off);
    off += 4;
    if (valueLength > data.length - off) {
      throw new ProtocolError("EPROTO", "metadata value overruns the command", "ERR_ZMTP_INVALID_METADATA");
    }
    out.set(name, data.subarray(off, off + valueLength));
    off += valueLength;
  }
  return out;
}

/** PING: 16-bit TTL in tenths of a second, then up to 16 octets of context. */
export function encodePing(ttlDeciseconds: number, context: Uint8Array = EMPTY): Buffer {
  const data = Buffer.allocUnsafe(2 + context.length);
  data.writeUInt16BE(Math.min(0xffff, Math.max(0, Math.round(ttlDeciseconds))), 0);
  data.set(context, 2);
  return encodeCommandBody("PING", data);
}

export function decodePing(data: Buffer): { ttl: number; context: Buffer } {
  if (data.length < 2 || data.length > 18)
    throw new ProtocolError("EPROTO", "malformed PING", "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED");
  return { ttl: data.readUInt16BE(0), context: data.subarray(2) };
}

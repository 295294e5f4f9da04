import { Buffer } from "node:buffer";
import { decodeMessagePack, encodeMessagePack } from "./msgpack.js";
import { parsePythonJson } from "./python-json.js";

/**
 * The bodies that RPC requests, replies, signals and registry messages carry: JSON as Python's
 * json module reads and writes it, or MessagePack between plantrpc peers.
 */

/** How a request or reply body is encoded (protocol-spec/rpc.md, sections 4 and 6). */
export type Encoding = "json" | "msgpack";

export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncodeError";
  }
}

/** JSON replacer: binary values become base64 strings (Buffer.toJSON would make arrays). */
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Uint8Array) {
    return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString("base64");
  }
  if (typeof value === "bigint") throw new EncodeError("BigInt values cannot be sent as JSON");
  return value;
}

/** Whether a Uint8Array (or any view) hides in `value`; deep or odd values are assumed to. */
function holdsBinary(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth > 8 || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsBinary(item, depth + 1)) return true;
    return false;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return true;
  for (const key in value) if (holdsBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

export function encodeBody(value: unknown, encoding: Encoding): Buffer {
  if (encoding === "msgpack") {
    try {
      return encodeMessagePack(value === undefined ? null : value);
    } catch (e) {
      throw new EncodeError(`cannot encode as MessagePack: ${(e as Error).message}`);
    }
  }
  let text: string | undefined;
  try {
    // The replacer is called for every key: only values that hold binary data need it.
    text = JSON.stringify(value === undefined ? null : value, holdsBinary(value, 0) ? replacer : undefined);
  } catch (e) {
    const bigint = e instanceof TypeError && /BigInt/i.test(e.message);
    throw new EncodeError(
      `cannot encode as JSON: ${bigint ? "BigInt values cannot be sent as JSON" : (e as Error).message}`,
    );
  }
  return Buffer.from(text ?? "null", "utf8");
}

/** Which encoding a body uses, from its first significant octet. */
export function detectEncoding(body: Uint8Array): Encoding {
  for (const b of body) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if ((b >= 0x80 && b <= 0x8f) || b === 0xde || b === 0xdf) return "msgpack";
    return "json";
  }
  return "json";
}

export function decodeBody(body: Uint8Array, encoding: Encoding = detectEncoding(body)): unknown {
  if (encoding === "msgpack") return decodeMessagePack(body);
  return parsePythonJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
}

import { Buffer } from "node:buffer";

/**
 * MessagePack (https://github.com/msgpack/msgpack/blob/master/spec.md) for RPC bodies between
 * plantrpc peers. Values follow JSON.stringify's rules (toJSON is honoured, undefined and
 * functions are left out of objects and become nil in arrays), so that an application sees the
 * same values whichever encoding a client chose; binary data (Uint8Array, ArrayBuffer) travels
 * as `bin`, unencoded, and comes back as a Buffer viewing the received bytes.
 */

export class MessagePackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MessagePackError";
  }
}

const MAX_DEPTH = 1000;
const SHORT_STRING = 64;

// ---- encoding ----

let out = Buffer.allocUnsafe(8192);
let view: DataView = new DataView(out.buffer, out.byteOffset, out.byteLength);
let pos = 0;

function ensure(bytes: number): void {
  if (pos + bytes <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, pos + bytes));
  out.copy(bigger, 0, 0, pos);
  out = bigger;
  view = new DataView(out.buffer, out.byteOffset, out.byteLength);
}

let encoding = false;

/** Encodes a value; the result is a fresh Buffer the caller may keep. */
export function encodeMessagePack(value: unknown): Buffer {
  // A toJSON() that encodes in turn gets a scratch buffer of its own.
  if (encoding) return encodeNested(value);
  encoding = true;
  pos = 0;
  try {
    write(value, 0);
  } catch (e) {
    if (e instanceof MessagePackError) throw e;
    throw new MessagePackError(`cannot encode as MessagePack: ${(e as Error).message}`);
  } finally {
    encoding = false;
  }
  const result = Buffer.allocUnsafe(pos);
  out.copy(result, 0, 0, pos);
  // A large message must not pin a large scratch buffer for the life of the process.
  if (out.length > 1 << 20) {
    out = Buffer.allocUnsafe(8192);
    view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }
  return result;
}

function encodeNested(value: unknown): Buffer {
  const saved = { out, view, pos };
  out = Buffer.allocUnsafe(256);
  view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  encoding = false;
  try {
    return encodeMessagePack(value);
  } finally {
    encoding = true;
    ({ out, view, pos } = saved);
  }
}

function write(value: unknown, depth: number): void {
  switch (typeof value) {
    case "string":
      writeString(value);
      return;
    case "number":
      writeNumber(value);
      return;
    case "boolean":
      ensure(1);
      out[pos++] = value ? 0xc3 : 0xc2;
      return;
    case "bigint":
      writeBigInt(value);
      return;
    case "object":
      if (value === null) break;
      // The decoder's bound (readArray, readMap): what is encoded can be decoded.
      if (depth >= MAX_DEPTH) throw new MessagePackError(`values nested deeper than ${MAX_DEPTH} levels`);
      writeObject(value, depth + 1);
      return;
    default:
      break; // undefined, functions and symbols: nil where a value must stand
  }
  ensure(1);
  out[pos++] = 0xc0;
}

function writeNumber(n: number): void {
  ensure(9);
  if (Number.isSafeInteger(n)) {
    if (n >= 0) {
      if (n < 0x80) out[pos++] = n;
      else if (n < 0x100) {
        out[pos++] = 0xcc;
        out[pos++] = n;
      } else if (n < 0x10000) {
        out[pos++] = 0xcd;
        view.setUint16(pos, n);
        pos += 2;
      } else if (n < 0x1_0000_0000) {
        out[pos++] = 0xce;
        view.setUint32(pos, n);
        pos += 4;
      } else {
        writeFloat64(n);
      }
    } else if (n >= -0x20) {
      out[pos++] = n & 0xff;
    } else if (n >= -0x80) {
      out[pos++] = 0xd0;
      view.setInt8(pos++, n);
    } else if (n >= -0x8000) {
      out[pos++] = 0xd1;
      view.setInt16(pos, n);
      pos += 2;
    } else if (n >= -0x8000_0000) {
      out[pos++] = 0xd2;
      view.setInt32(pos, n);
      pos += 4;
    } else {
      writeFloat64(n);
    }
    return;
  }
  writeFloat64(n);
}

/**
 * Non-integers, and integers beyond 32 bits (exact in a float64): msgpackr, and so plantrpc 0.1
 * peers, would read a 64-bit integer back as a BigInt.
 */
function writeFloat64(n: number): void {
  out[pos++] = 0xcb;
  view.setFloat64(pos, n);
  pos += 8;
}

function writeBigInt(n: bigint): void {
  ensure(9);
  if (n >= 0n && n < 1n << 64n) {
    out[pos++] = 0xcf;
    view.setBigUint64(pos, n);
  } else if (n < 0n && n >= -(1n << 63n)) {
    out[pos++] = 0xd3;
    view.setBigInt64(pos, n);
  } else {
    throw new MessagePackError("a BigInt beyond 64 bits cannot be encoded");
  }
  pos += 8;
}

function writeString(s: string): void {
  const length = s.length;
  if (length < SHORT_STRING) {
    // At most 3 octets per UTF-16 unit: a str8 always fits; start as fixstr when it may.
    ensure(2 + length * 3);
    let header = length < 32 ? 1 : 2;
    const n = utf8Write(s, pos + header);
    if (header === 1 && n >= 32) {
      out.copyWithin(pos + 2, pos + 1, pos + 1 + n);
      header = 2;
    }
    if (header === 1) out[pos] = 0xa0 | n;
    else {
      out[pos] = 0xd9;
      out[pos + 1] = n;
    }
    pos += header + n;
    return;
  }
  const n = Buffer.byteLength(s, "utf8");
  ensure(5 + n);
  writeLength(n, 0xa0, 0, 0xd9, 0xda, 0xdb);
  pos += out.write(s, pos, n, "utf8");
}

/** Writes s as UTF-8 at `at`; returns the octets written (lone surrogates become U+FFFD). */
function utf8Write(s: string, at: number): number {
  let p = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[p++] = 0xf0 | (c >> 18);
          out[p++] = 0x80 | ((c >> 12) & 0x3f);
          out[p++] = 0x80 | ((c >> 6) & 0x3f);
          out[p++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p - at;
}

/** A length header: the fix form below fixLimit, else the 8 (when op8 is not 0), 16 or 32-bit form. */
function writeLength(n: number, fix: number, fixLimit: number, op8: number, op16: number, op32: number): void {
  if (n < fixLimit) out[pos++] = fix | n;
  else if (n < 0x100 && op8 !== 0) {
    out[pos++] = op8;
    out[pos++] = n;
  } else if (n < 0x10000) {
    out[pos++] = op16;
    view.setUint16(pos, n);
    pos += 2;
  } else {
    out[pos++] = op32;
    view.setUint32(pos, n);
    pos += 4;
  }
}

function writeBytes(bytes: Uint8Array): void {
  ensure(5 + bytes.length);
  writeLength(bytes.length, 0, 0, 0xc4, 0xc5, 0xc6);
  out.set(bytes, pos);
  pos += bytes.length;
}

function writeObject(value: object, depth: number): void {
  if (value instanceof Uint8Array) {
    writeBytes(value);
    return;
  }
  if (value instanceof ArrayBuffer) {
    writeBytes(new Uint8Array(value));
    return;
  }
  if (Array.isArray(value)) {
    ensure(5);
    writeLength(value.length, 0x90, 16, 0, 0xdc, 0xdd);
    for (const item of value) write(item, depth);
    return;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    write(toJSON.call(value), depth);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // One pass: the header's size is chosen from the key count, an upper bound of the entries.
  const header = keys.length < 16 ? 1 : keys.length < 0x10000 ? 3 : 5;
  ensure(header);
  const start = pos;
  pos += header;
  let count = 0;
  for (const key of keys) {
    const item = record[key];
    if (!isSendable(item)) continue;
    writeString(key);
    write(item, depth);
    count++;
  }
  if (header === 1) out[start] = 0x80 | count;
  else if (header === 3) {
    out[start] = 0xde;
    view.setUint16(start + 1, count);
  } else {
    out[start] = 0xdf;
    view.setUint32(start + 1, count);
  }
}

/** JSON leaves these out of objects. */
function isSendable(v: unknown): boolean {
  return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
}

// ---- decoding ----

let input: Buffer = Buffer.alloc(0);
let at = 0;

/** Decodes one value that spans the whole input; throws MessagePackError on anything malformed. */
export function decodeMessagePack(bytes: Uint8Array): unknown {
  input = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  at = 0;
  try {
    const value = read(0);
    if (at !== input.length) throw new MessagePackError(`${input.length - at} octets after the value`);
    return value;
  } catch (e) {
    if (e instanceof MessagePackError) throw e;
    throw new MessagePackError(`malformed MessagePack: ${(e as Error).message}`);
  } finally {
    input = EMPTY; // do not keep the caller's bytes alive
  }
}

const EMPTY = Buffer.alloc(0);

function need(n: number): void {
  if (at + n > input.length) throw new MessagePackError("truncated MessagePack");
}

/** Claims the next n octets; returns where they start. */
function take(n: number): number {
  need(n);
  at += n;
  return at - n;
}

function read(depth: number): unknown {
  need(1);
  const b = input[at++]!;
  if (b < 0x80) return b;
  if (b < 0x90) return readMap(b & 0x0f, depth);
  if (b < 0xa0) return readArray(b & 0x0f, depth);
  if (b < 0xc0) return readString(b & 0x1f);
  if (b >= 0xe0) return b - 0x100;
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
      return readBytes(readUint(1));
    case 0xc5:
      return readBytes(readUint(2));
    case 0xc6:
      return readBytes(readUint(4));
    case 0xc7:
      return readExt(readUint(1));
    case 0xc8:
      return readExt(readUint(2));
    case 0xc9:
      return readExt(readUint(4));
    case 0xca:
      return input.readFloatBE(take(4));
    case 0xcb:
      return input.readDoubleBE(take(8));
    case 0xcc:
      return readUint(1);
    case 0xcd:
      return readUint(2);
    case 0xce:
      return readUint(4);
    case 0xcf:
      return safeNumber(input.readBigUInt64BE(take(8)));
    case 0xd0:
      return input.readInt8(take(1));
    case 0xd1:
      return input.readInt16BE(take(2));
    case 0xd2:
      return input.readInt32BE(take(4));
    case 0xd3:
      return safeNumber(input.readBigInt64BE(take(8)));
    case 0xd4:
      return readExt(1);
    case 0xd5:
      return readExt(2);
    case 0xd6:
      return readExt(4);
    case 0xd7:
      return readExt(8);
    case 0xd8:
      return readExt(16);
    case 0xd9:
      return readString(readUint(1));
    case 0xda:
      return readString(readUint(2));
    case 0xdb:
      return readString(readUint(4));
    case 0xdc:
      return readArray(readUint(2), depth);
    case 0xdd:
      return readArray(readUint(4), depth);
    case 0xde:
      return readMap(readUint(2), depth);
    case 0xdf:
      return readMap(readUint(4), depth);
    default:
      throw new MessagePackError(`0x${b.toString(16)} is not a MessagePack type`);
  }
}

function readUint(size: 1 | 2 | 4): number {
  const start = take(size);
  return size === 1 ? input[start]! : size === 2 ? (input[start]! << 8) | input[start + 1]! : input.readUInt32BE(start);
}

/** 64-bit integers: a number when it is exact, a BigInt otherwise. */
function safeNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function readString(n: number): string {
  const start = take(n);
  if (n < SHORT_STRING) {
    let ascii = true;
    for (let i = start; i < at; i++) {
      if (input[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return asciiString(start, n);
  }
  return input.toString("utf8", start, at);
}

/** Short ASCII strings (most keys and names) without a call into the runtime. */
function asciiString(start: number, n: number): string {
  const b = input;
  switch (n) {
    case 0:
      return "";
    case 1:
      return String.fromCharCode(b[start]!);
    case 2:
      return String.fromCharCode(b[start]!, b[start + 1]!);
    case 3:
      return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!);
    case 4:
      return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!, b[start + 3]!);
    case 5:
      return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!, b[start + 3]!, b[start + 4]!);
    case 6:
      return String.fromCharCode(b[start]!, b[start + 1]!, b[start + 2]!, b[start + 3]!, b[start + 4]!, b[start + 5]!);
    case 7:
      return String.fromCharCode(
        b[start]!,
        b[start + 1]!,
        b[start + 2]!,
        b[start + 3]!,
        b[start + 4]!,
        b[start + 5]!,
        b[start + 6]!,
      );
    case 8:
      return String.fromCharCode(
        b[start]!,
        b[start + 1]!,
        b[start + 2]!,
        b[start + 3]!,
        b[start + 4]!,
        b[start + 5]!,
        b[start + 6]!,
        b[start + 7]!,
      );
    default:
      return asciiString(start, 8) + asciiString(start + 8, n - 8);
  }
}

function readBytes(n: number): Buffer {
  const start = take(n);
  return input.subarray(start, at);
}

function readArray(n: number, depth: number): unknown[] {
  if (depth >= MAX_DEPTH) throw new MessagePackError(`values nested deeper than ${MAX_DEPTH} levels`);
  need(n); // every element takes at least one octet: a huge count cannot allocate
  const array = new Array<unknown>(n);
  for (let i = 0; i < n; i++) array[i] = read(depth + 1);
  return array;
}

function readMap(n: number, depth: number): Record<string, unknown> {
  if (depth >= MAX_DEPTH) throw new MessagePackError(`values nested deeper than ${MAX_DEPTH} levels`);
  need(n * 2);
  const map: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const key = readKey(depth);
    const value = read(depth + 1);
    // As JSON.parse does: "__proto__" is an own property, never the prototype.
    if (key === "__proto__")
      Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    else map[key] = value;
  }
  return map;
}

/**
 * Map keys are strings in practice; numbers are converted, as JavaScript objects need. Any other
 * key (an array, a map) is refused: converted, it could be far longer than its encoding.
 */
function readKey(depth: number): string {
  need(1);
  const k = input[at]!;
  if (k > 0xa0 && k <= 0xa0 + MAX_CACHED_KEY) {
    at++;
    return cachedKey(k & 0x1f);
  }
  if (k >= 0xa0 && k < 0xc0) {
    at++;
    return readString(k & 0x1f);
  }
  const key = read(depth + 1);
  if (typeof key === "string") return key; // str8, str16, str32: keys of 32 octets or more
  if (typeof key === "number" || typeof key === "bigint") return String(key);
  throw new MessagePackError(`a map key that is neither a string nor a number (${describeKey(key)})`);
}

function describeKey(key: unknown): string {
  if (key === null) return "nil";
  if (key instanceof Uint8Array) return "binary";
  return Array.isArray(key) ? "an array" : typeof key;
}

/**
 * The same few keys come in every message (event, method, params, success, result...): a small
 * cache, checked octet for octet, saves building the same strings again.
 */
const MAX_CACHED_KEY = 16;
const KEY_CACHE_SIZE = 1024;
const keyCache: Array<{ bytes: Buffer; key: string } | undefined> = new Array(KEY_CACHE_SIZE);

function cachedKey(n: number): string {
  need(n);
  const b = input;
  const start = at;
  const slot = ((n << 5) ^ (b[start]! << 2) ^ b[start + n - 1]! ^ (b[start + (n >> 1)]! << 4)) & (KEY_CACHE_SIZE - 1);
  const entry = keyCache[slot];
  if (entry !== undefined && entry.bytes.length === n) {
    const cached = entry.bytes;
    let i = 0;
    while (i < n && cached[i] === b[start + i]) i++;
    if (i === n) {
      at += n;
      return entry.key;
    }
  }
  const key = readString(n);
  keyCache[slot] = { bytes: Buffer.from(b.subarray(start, start + n)), key };
  return key;
}

/** Timestamps (type -1) become Dates; a 0-type single nil octet is msgpackr's `undefined`. */
function readExt(n: number): unknown {
  need(1 + n);
  const type = input.readInt8(at++);
  const start = at;
  at += n;
  if (type === -1) {
    if (n === 4) return new Date(input.readUInt32BE(start) * 1000);
    if (n === 8) {
      const high = input.readUInt32BE(start);
      const seconds = (high & 0x3) * 0x1_0000_0000 + input.readUInt32BE(start + 4);
      return new Date(seconds * 1000 + (high >>> 2) / 1e6);
    }
    if (n === 12) return new Date(Number(input.readBigInt64BE(start + 4)) * 1000 + input.readUInt32BE(start) / 1e6);
  }
  if (type === 0 && n === 1 && input[start] === 0) return undefined;
  throw new MessagePackError(`unsupported MessagePack extension type ${type}`);
}

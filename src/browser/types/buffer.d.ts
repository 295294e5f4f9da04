// What the browser build's types say for node:buffer (scripts/build-browser-types.mjs puts this
// file in its place), so that a web project needs no @types/node: received frames are the
// `buffer` package's Buffer, a Uint8Array with Node's methods; these are the ones a page uses.

/** The encodings Buffer's text methods take. */
export type BufferEncoding =
  | "utf8"
  | "utf-8"
  | "utf16le"
  | "utf-16le"
  | "ucs2"
  | "ucs-2"
  | "latin1"
  | "binary"
  | "ascii"
  | "hex"
  | "base64"
  | "base64url";

/** A received frame in a web page: a Uint8Array with Node's Buffer methods. */
export interface Buffer extends Uint8Array {
  /** The octets as text (UTF-8 unless told). */
  toString(encoding?: BufferEncoding, start?: number, end?: number): string;
  /** `{ type: "Buffer", data: [...] }`, as JSON.stringify writes a Buffer. */
  toJSON(): { type: "Buffer"; data: number[] };
  /** Whether both hold the same octets. */
  equals(other: Uint8Array): boolean;
  /** -1, 0 or 1, as the octets order. */
  compare(other: Uint8Array): number;
  /** Copies into `target`; returns the number of octets copied. */
  copy(target: Uint8Array, targetStart?: number, sourceStart?: number, sourceEnd?: number): number;
  /** Writes `text` at `offset`; returns the number of octets written. */
  write(text: string, offset?: number, length?: number, encoding?: BufferEncoding): number;
  readUInt8(offset?: number): number;
  readUInt16BE(offset?: number): number;
  readUInt16LE(offset?: number): number;
  readUInt32BE(offset?: number): number;
  readUInt32LE(offset?: number): number;
  readInt8(offset?: number): number;
  readInt16BE(offset?: number): number;
  readInt16LE(offset?: number): number;
  readInt32BE(offset?: number): number;
  readInt32LE(offset?: number): number;
  readBigUInt64BE(offset?: number): bigint;
  readBigUInt64LE(offset?: number): bigint;
  readFloatBE(offset?: number): number;
  readFloatLE(offset?: number): number;
  readDoubleBE(offset?: number): number;
  readDoubleLE(offset?: number): number;
}

/** The Buffer constructor's functions a page may use. */
export declare const Buffer: {
  /** The octets of `text` in `encoding` (UTF-8 unless told), or a copy of `data`. */
  from(text: string, encoding?: BufferEncoding): Buffer;
  from(data: ArrayLike<number> | ArrayBufferLike | Uint8Array): Buffer;
  /** `size` octets, zeroed (or filled). */
  alloc(size: number, fill?: number | string): Buffer;
  /** Whether `value` is a Buffer. */
  isBuffer(value: unknown): value is Buffer;
  /** One Buffer holding each of `list`'s octets in turn. */
  concat(list: readonly Uint8Array[], totalLength?: number): Buffer;
  /** The number of octets of `text` in `encoding`. */
  byteLength(text: string, encoding?: BufferEncoding): number;
};

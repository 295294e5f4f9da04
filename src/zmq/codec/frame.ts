import { FLAG_LONG, FLAG_MORE, MAX_SHORT_SIZE } from "./constants.js";

/** Size of the flags + size fields for a body of `size` octets. */
export function headerSize(size: number): number {
  return size > MAX_SHORT_SIZE ? 9 : 2;
}

/** Writes a frame header at `offset`; returns the offset after it. */
export function writeHeader(target: Uint8Array, offset: number, flags: number, size: number): number {
  if (size > MAX_SHORT_SIZE) {
    target[offset] = flags | FLAG_LONG;
    // 2^53 is far beyond any buffer we can hold, so the high word fits in 21 bits.
    const high = Math.floor(size / 0x1_0000_0000);
    const low = size >>> 0;
    target[offset + 1] = high >>> 24;
    target[offset + 2] = (high >>> 16) & 0xff;
    target[offset + 3] = (high >>> 8) & 0xff;
    target[offset + 4] = high & 0xff;
    target[offset + 5] = low >>> 24;
    target[offset + 6] = (low >>> 16) & 0xff;
    target[offset + 7] = (low >>> 8) & 0xff;
    target[offset + 8] = low & 0xff;
    return offset + 9;
  }
  target[offset] = flags;
  target[offset + 1] = size;
  return offset + 2;
}

/** One frame, header and body, in a fresh buffer: for commands and tests, not the hot path. */
export function encodeFrame(flags: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(headerSize(body.length) + body.length);
  out.set(body, writeHeader(out, 0, flags, body.length));
  return out;
}

/** A whole multipart message in one fresh buffer (tests and tools). */
export function encodeMessage(frames: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const f of frames) total += headerSize(f.length) + f.length;
  const out = new Uint8Array(total);
  let off = 0;
  frames.forEach((f, i) => {
    off = writeHeader(out, off, i < frames.length - 1 ? FLAG_MORE : 0, f.length);
    out.set(f, off);
    off += f.length;
  });
  return out;
}

import { Buffer } from "node:buffer";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, RESERVED_FLAG_BITS } from "./constants.js";
import { ProtocolError } from "../errors.js";
import { joined } from "../util/joined.js";

export type FrameHandler = (flags: number, body: Buffer) => void;

/** Largest frame we could ever hold; anything announced beyond it is garbage or an attack. */
const MAX_BUFFER = 2 ** 32;
const COMMAND_MIN_LIMIT = 65536;
/**
 * Bodies up to this size that span chunks get their final buffer when the header arrives, and
 * each chunk is copied in while still hot in cache (twice as fast at 1 MiB as gathering and
 * concatenating). allocUnsafe leaves pages uncommitted until written, so memory still follows
 * the bytes received. Larger bodies are gathered, then concatenated once.
 */
const PREALLOCATE_LIMIT = 64 * 1024 * 1024;
/**
 * A body larger than this gets its buffer only once an eighth of it has come: a peer that
 * announces large frames and sends a few octets makes us reserve (even uncommitted) at most
 * eight times what it sent, plus this, per connection.
 */
const PREALLOCATE_AT_ONCE = 8 * 1024 * 1024;
/** Gathered pieces smaller than this are copied together, so that a trickle costs no view per chunk. */
const SMALL_PIECE = 16 * 1024;
const COALESCE_SIZE = 64 * 1024;
/** Below this, the rest of a body is read with whatever follows it, not on its own. */
const DIRECT_READ_MIN = 16384;
/**
 * After a frame this large, the next header is read on its own with a short read (see
 * preferredReadSize): the body that follows is then read straight into its buffer instead of
 * arriving in a shared chunk and being copied out of it.
 */
const LARGE_FRAME = 32768;
const HEADER_READ = 4096;
const SHORT_TAIL_FRAME = 256 * 1024;

/**
 * Turns a byte stream cut at arbitrary boundaries into ZMTP frames. Sans-IO: it never touches a
 * socket, so tests can feed it any chunking.
 *
 * Frames that lie whole inside one chunk are handed out as views of that chunk (no copy). A
 * frame spread over chunks is gathered once, when its last byte arrives: memory grows with the
 * bytes actually received, never with the size a peer merely announces.
 */
export class FrameDecoder {
  /** Largest body accepted for a frame; -1 for no limit. Checked on the header, before buffering. */
  maxFrameSize = -1;
  private stopped = false;
  private readonly header = Buffer.alloc(9);
  private headerLength = 0;
  private bodyFlags = 0;
  private bodyMissing = 0;
  private bodyParts: Buffer[] = [];
  /** Octets in bodyParts, and the buffer small pieces are copied into (its used length). */
  private partsSize = 0;
  private small: Buffer | undefined;
  private smallUsed = 0;
  /** Preallocated body being filled, and how much of it is filled. */
  private body: Buffer | undefined;
  private bodyFilled = 0;
  /** The body in progress gets its own buffer, once some of it has to be kept (see startBody). */
  private preallocate = false;
  /** The last frame was large: the next one is likely large too. */
  private largeFrames = false;

  constructor(private readonly onFrame: FrameHandler) {}

  /** Stops decoding, e.g. once the owner closed the connection from inside onFrame. */
  stop(): void {
    this.stopped = true;
    this.bodyParts = [];
    this.small = undefined;
    this.body = undefined;
  }

  /** Bytes held for a frame not yet complete (for memory accounting and tests). */
  get buffered(): number {
    return this.headerLength + this.bodyFilled + this.partsSize + this.smallUsed;
  }

  /**
   * Where the next bytes may be read directly: the unfilled rest of a large preallocated body.
   * After reading n bytes into it, call filled(n).
   */
  directTarget(): Buffer | undefined {
    if (!this.preallocate || this.bodyMissing < DIRECT_READ_MIN || this.stopped) return undefined;
    const body = this.bodyBuffer();
    return body?.subarray(this.bodyFilled, this.bodyFilled + this.bodyMissing);
  }

  /**
   * The most the next ordinary read should take (undefined: as much as there is room for). In a
   * stream of large frames: the rest of the current body (when too short to be read on its own)
   * and at most HEADER_READ octets of the next frame, whose body is then read in place.
   */
  preferredReadSize(): number | undefined {
    if (!this.largeFrames || this.headerLength > 0) return undefined;
    if (this.bodyMissing === 0) return HEADER_READ;
    // The tail of a body too short to read on its own: measured, limiting the read helps frames
    // of tens of KiB (the next body would be copied whole) and costs huge ones more than it saves.
    return this.bodyFilled + this.bodyMissing <= SHORT_TAIL_FRAME ? this.bodyMissing + HEADER_READ : undefined;
  }

  /** n bytes were read into directTarget(). */
  filled(n: number): void {
    this.bodyFilled += n;
    this.bodyMissing -= n;
    if (this.bodyMissing === 0) this.finishBody();
  }

  /** Throws ProtocolError on a malformed stream; the decoder is then unusable. */
  push(chunk: Buffer): void {
    let offset = 0;
    const length = chunk.length;
    while (offset < length && !this.stopped) {
      if (this.bodyMissing > 0) {
        offset = this.continueBody(chunk, offset);
      } else if (this.headerLength > 0) {
        offset = this.continueHeader(chunk, offset);
      } else {
        offset = this.readFrame(chunk, offset);
      }
    }
  }

  private readFrame(chunk: Buffer, offset: number): number {
    const available = chunk.length - offset;
    const flags = chunk[offset]!;
    const headerLength = flags & FLAG_LONG ? 9 : 2;
    if (available < headerLength) {
      this.validateFlags(flags);
      chunk.copy(this.header, 0, offset);
      this.headerLength = available;
      return chunk.length;
    }
    const size = this.parseHeader(chunk, offset);
    const bodyStart = offset + headerLength;
    if (bodyStart + size <= chunk.length) {
      this.largeFrames = size >= LARGE_FRAME;
      this.onFrame(flags, chunk.subarray(bodyStart, bodyStart + size));
      return bodyStart + size;
    }
    this.startBody(flags, size);
    return this.continueBody(chunk, bodyStart);
  }

  /**
   * A body that does not lie whole in the header's chunk. Its buffer is made when the first part
   * of it must be kept: a body that then comes whole in one chunk (in-process, by reference) is
   * handed out as a view of it, without a copy.
   */
  private startBody(flags: number, size: number): void {
    this.bodyFlags = flags;
    this.bodyMissing = size;
    this.bodyFilled = 0;
    this.preallocate = size <= PREALLOCATE_LIMIT;
  }

  private continueHeader(chunk: Buffer, offset: number): number {
    const flags = this.header[0]!;
    const headerLength = flags & FLAG_LONG ? 9 : 2;
    const take = Math.min(headerLength - this.headerLength, chunk.length - offset);
    chunk.copy(this.header, this.headerLength, offset, offset + take);
    this.headerLength += take;
    offset += take;
    if (this.headerLength < headerLength) return offset;
    this.headerLength = 0;
    const size = this.parseHeader(this.header, 0);
    if (size === 0) {
      this.onFrame(flags, Buffer.alloc(0));
      return offset;
    }
    this.startBody(flags, size);
    return offset;
  }

  private continueBody(chunk: Buffer, offset: number): number {
    const take = Math.min(this.bodyMissing, chunk.length - offset);
    if (take === 0) return offset;
    if (!this.body && this.partsSize + this.smallUsed === 0 && take === this.bodyMissing) {
      // The whole body in this chunk: a view, as for a frame that lies whole in one chunk.
      const body = chunk.subarray(offset, offset + take);
      this.bodyMissing = 0;
      this.preallocate = false;
      this.largeFrames = body.length >= LARGE_FRAME;
      this.onFrame(this.bodyFlags, body);
      return offset + take;
    }
    const body = this.bodyBuffer();
    if (body) {
      chunk.copy(body, this.bodyFilled, offset, offset + take);
      this.bodyFilled += take;
    } else {
      this.gather(chunk.subarray(offset, offset + take));
    }
    this.bodyMissing -= take;
    if (this.bodyMissing === 0) this.finishBody();
    return offset + take;
  }

  private finishBody(): void {
    let body: Buffer;
    this.preallocate = false;
    if (this.body) {
      body = this.body;
      this.body = undefined;
      this.bodyFilled = 0;
    } else {
      const parts = this.takeParts();
      body = parts.length === 1 ? parts[0]! : joined(parts);
    }
    this.largeFrames = body.length >= LARGE_FRAME;
    this.onFrame(this.bodyFlags, body);
  }

  /**
   * The preallocated buffer of the body in progress, made (with what was gathered so far copied
   * in) once the body is small enough or an eighth of it has come; undefined until then.
   */
  private bodyBuffer(): Buffer | undefined {
    if (this.body || !this.preallocate) return this.body;
    const total = this.partsSize + this.smallUsed + this.bodyMissing;
    if (total > PREALLOCATE_AT_ONCE && (this.partsSize + this.smallUsed) * 8 < total) return undefined;
    const body = Buffer.allocUnsafeSlow(total); // memory of its own: see util/joined.ts
    let at = 0;
    for (const part of this.takeParts()) at += part.copy(body, at);
    this.body = body;
    this.bodyFilled = at;
    return body;
  }

  /** Keeps part of a body: large pieces as views, small ones copied together. */
  private gather(piece: Buffer): void {
    if (piece.length >= SMALL_PIECE) {
      this.flushSmall();
      this.bodyParts.push(piece);
      this.partsSize += piece.length;
      return;
    }
    if (this.small && this.smallUsed + piece.length > this.small.length) this.flushSmall();
    this.small ??= Buffer.allocUnsafe(COALESCE_SIZE);
    this.smallUsed += piece.copy(this.small, this.smallUsed);
  }

  private flushSmall(): void {
    if (!this.small || this.smallUsed === 0) return;
    this.bodyParts.push(this.small.subarray(0, this.smallUsed));
    this.partsSize += this.smallUsed;
    this.small = undefined;
    this.smallUsed = 0;
  }

  private takeParts(): Buffer[] {
    this.flushSmall();
    const parts = this.bodyParts;
    this.bodyParts = [];
    this.partsSize = 0;
    return parts;
  }

  /** Validates a complete header and returns the body size. */
  private parseHeader(bytes: Buffer, offset: number): number {
    const flags = bytes[offset]!;
    this.validateFlags(flags);
    let size: number;
    if (flags & FLAG_LONG) {
      const high = bytes.readUInt32BE(offset + 1);
      const low = bytes.readUInt32BE(offset + 5);
      if (high >= MAX_BUFFER / 0x1_0000_0000) {
        throw new ProtocolError("EMSGSIZE", `peer announced a frame of ${high} * 2^32 octets`);
      }
      size = high * 0x1_0000_0000 + low;
    } else {
      size = bytes[offset + 1]!;
    }
    // Commands get some headroom: a READY with metadata must pass even under a tiny limit.
    const limit =
      flags & FLAG_COMMAND && this.maxFrameSize >= 0
        ? Math.max(this.maxFrameSize, COMMAND_MIN_LIMIT)
        : this.maxFrameSize;
    if (limit >= 0 && size > limit) {
      throw new ProtocolError("EMSGSIZE", `peer announced a frame of ${size} octets, over maxMessageSize ${limit}`);
    }
    return size;
  }

  private validateFlags(flags: number): void {
    if (flags & RESERVED_FLAG_BITS) {
      throw new ProtocolError("EPROTO", `reserved flag bits set (0x${flags.toString(16)})`);
    }
    if (flags & FLAG_COMMAND && flags & FLAG_MORE) {
      throw new ProtocolError("EPROTO", "command frame with the MORE flag");
    }
  }
}

import { Buffer } from "node:buffer";
import { FLAG_COMMAND, FLAG_MORE } from "../codec/constants.js";
import { headerSize, writeHeader } from "../codec/frame.js";
import { FrameBatch } from "./frame-batch.js";

/** Bodies up to this size are copied next to their header; larger ones go out by reference. */
const COPY_LIMIT = 8192;
const BLOCK_SIZE = 65536;

/**
 * Gathers encoded frames between two flushes so that many small messages leave in one write
 * (one system call), while large bodies are never copied. Headers and small bodies are packed
 * into a block that is reused until full: bytes already handed out are never overwritten.
 */
export class WriteBatch extends FrameBatch {
  private block = Buffer.allocUnsafe(BLOCK_SIZE);
  private used = 0;
  private start = 0;
  private out: Uint8Array[] = [];

  constructor(
    /** Bodies up to this size are copied into the block; larger ones go by reference. */
    private readonly copyLimit = COPY_LIMIT,
  ) {
    super(FLAG_MORE, FLAG_COMMAND);
  }

  get isEmpty(): boolean {
    return this.used === this.start && this.out.length === 0;
  }

  /** Raw bytes (the greeting). */
  addRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.block.set(bytes, this.used);
    this.used += bytes.length;
    this.bytes += bytes.length;
  }

  take(): Uint8Array[] {
    this.seal();
    const out = this.out;
    this.out = [];
    this.messages = 0;
    this.bytes = 0;
    return out;
  }

  protected addFrame(flags: number, body: Uint8Array): void {
    const size = body.length;
    this.bytes += size + headerSize(size);
    if (size <= this.copyLimit) {
      this.ensure(headerSize(size) + size);
      this.used = writeHeader(this.block, this.used, flags, size);
      this.block.set(body, this.used);
      this.used += size;
      return;
    }
    this.ensure(9);
    this.used = writeHeader(this.block, this.used, flags, size);
    this.seal();
    this.out.push(body);
  }

  private ensure(n: number): void {
    if (this.block.length - this.used >= n) return;
    this.seal();
    this.block = Buffer.allocUnsafe(Math.max(BLOCK_SIZE, n));
    this.used = 0;
    this.start = 0;
  }

  private seal(): void {
    if (this.used > this.start) {
      this.out.push(this.block.subarray(this.start, this.used));
      this.start = this.used;
    }
  }
}

import { Buffer } from "node:buffer";
import { ZWS_COMMAND, ZWS_MORE } from "../codec/constants.js";
import { disposablePayloads } from "../transport/ws/ws-frames.js";
import { FrameBatch } from "./frame-batch.js";

/** Small frames are packed into shared blocks; this is a block's size. */
const BLOCK_SIZE = 65536;

/**
 * ZWS 2.0 framing (RFC 45): each frame is one WebSocket message, a flags octet (0 last, 1 more,
 * 2 command) then the body; no length header, the WebSocket frame carries it. Small frames are
 * copied into a block reused until full, so a burst of small messages allocates little.
 */
export class ZwsBatch extends FrameBatch {
  private block = Buffer.allocUnsafe(BLOCK_SIZE);
  private used = 0;
  private out: Uint8Array[] = [];

  constructor() {
    super(ZWS_MORE, ZWS_COMMAND);
  }

  get isEmpty(): boolean {
    return this.out.length === 0;
  }

  take(): Uint8Array[] {
    const out = this.out;
    this.out = [];
    this.messages = 0;
    this.bytes = 0;
    return out;
  }

  protected addFrame(flags: number, body: Uint8Array): void {
    const size = body.length + 1;
    this.bytes += size;
    let target: Buffer;
    if (size > BLOCK_SIZE / 4) {
      target = Buffer.allocUnsafe(size);
      // Ours alone: a WebSocket client may mask it in place rather than copy it again.
      disposablePayloads.add(target);
    } else {
      if (BLOCK_SIZE - this.used < size) {
        this.block = Buffer.allocUnsafe(BLOCK_SIZE);
        this.used = 0;
      }
      target = this.block.subarray(this.used, this.used + size);
      this.used += size;
    }
    target[0] = flags;
    target.set(body, 1);
    this.out.push(target);
  }
}

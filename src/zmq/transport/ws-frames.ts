import { Buffer } from "node:buffer";

/** WebSocket framing (RFC 6455, section 5), sans IO: what our client sends and reads. */
export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

const MASK_POOL_SIZE = 4096;
let maskPool = Buffer.alloc(0);
let maskOffset = MASK_POOL_SIZE;

/** Four fresh random octets: clients mask every frame (RFC 6455, 5.3). */
function nextMask(): Buffer {
  if (maskOffset + 4 > maskPool.length) {
    maskPool = Buffer.allocUnsafe(MASK_POOL_SIZE);
    crypto.getRandomValues(maskPool);
    maskOffset = 0;
  }
  const mask = maskPool.subarray(maskOffset, maskOffset + 4);
  maskOffset += 4;
  return mask;
}

/** One whole, masked frame as a client sends it: header, mask, payload XOR mask. */
export function encodeClientFrame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const lengthBytes = n < 126 ? 0 : n <= 0xffff ? 2 : 8;
  const headerSize = 2 + lengthBytes + 4;
  const frame = Buffer.allocUnsafe(headerSize + n);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) frame[1] = 0x80 | n;
  else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = nextMask();
  mask.copy(frame, 2 + lengthBytes);
  applyMask(payload, mask, frame, headerSize);
  return frame;
}

function applyMask(source: Uint8Array, mask: Uint8Array, target: Buffer, offset: number): void {
  const n = source.length;
  const m0 = mask[0]!;
  const m1 = mask[1]!;
  const m2 = mask[2]!;
  const m3 = mask[3]!;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    target[offset + i] = source[i]! ^ m0;
    target[offset + i + 1] = source[i + 1]! ^ m1;
    target[offset + i + 2] = source[i + 2]! ^ m2;
    target[offset + i + 3] = source[i + 3]! ^ m3;
  }
  for (; i < n; i++) target[offset + i] = source[i]! ^ mask[i & 3]!;
}

export class WebSocketProtocolError extends Error {}

export interface ServerFrameHandlers {
  /** A whole message (fragments joined): binary or text. */
  message(payload: Buffer, text: boolean): void;
  ping(payload: Buffer): void;
  close(code: number, reason: string): void;
}

/**
 * Reads the frames a server sends (unmasked) from a byte stream cut anywhere. A message that
 * lies whole in one chunk is handed out as a view of it.
 */
export class ServerFrameReader {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private fragments: Buffer[] = [];
  private fragmentsLength = 0;
  private fragmentedText = false;
  /** Octets the frame at the start of `pending` needs, as far as its header tells. */
  private needed = 0;

  constructor(
    private readonly handlers: ServerFrameHandlers,
    private readonly maxPayload: number,
  ) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pendingLength > 0) {
      // A frame spread over chunks is joined once, when all of it has come.
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      if (this.pendingLength < this.needed) return;
      data = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.pendingLength = 0;
    }
    let offset = 0;
    for (;;) {
      const used = this.readFrame(data, offset);
      if (used === 0) break;
      offset += used;
    }
    if (offset < data.length) {
      const rest = data.subarray(offset);
      this.pending.push(rest);
      this.pendingLength = rest.length;
      this.needed = frameSize(rest) || rest.length + 1;
    }
  }

  /** Octets of one frame consumed at `offset`, or 0 when it is not all there yet. */
  private readFrame(data: Buffer, offset: number): number {
    const available = data.length - offset;
    if (available < 2) return 0;
    const b0 = data[offset]!;
    const b1 = data[offset + 1]!;
    if (b0 & 0x70) throw new WebSocketProtocolError("reserved bits set (no extension was agreed)");
    if (b1 & 0x80) throw new WebSocketProtocolError("masked frame from a server");
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (available < 4) return 0;
      length = data.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (available < 10) return 0;
      const big = data.readBigUInt64BE(offset + 2);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new WebSocketProtocolError("frame too long");
      length = Number(big);
      header = 10;
    }
    if (this.maxPayload > 0 && this.fragmentsLength + length > this.maxPayload) {
      throw new WebSocketProtocolError(`message over ${this.maxPayload} octets`);
    }
    if (available < header + length) return 0;
    const payload = data.subarray(offset + header, offset + header + length);
    this.onFrame((b0 & 0x80) !== 0, b0 & 0x0f, payload);
    return header + length;
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= 8) {
      if (!fin || payload.length > 125) throw new WebSocketProtocolError("invalid control frame");
      if (opcode === OPCODE.ping) this.handlers.ping(payload);
      else if (opcode === OPCODE.close) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.handlers.close(code, payload.subarray(2).toString("utf8"));
      } else if (opcode !== OPCODE.pong) throw new WebSocketProtocolError(`unknown opcode ${opcode}`);
      return;
    }
    if (opcode === OPCODE.continuation) {
      if (this.fragments.length === 0) throw new WebSocketProtocolError("continuation without a message");
    } else if (opcode === OPCODE.text || opcode === OPCODE.binary) {
      if (this.fragments.length > 0) throw new WebSocketProtocolError("new message inside a fragmented one");
      if (fin) {
        this.handlers.message(payload, opcode === OPCODE.text);
        return;
      }
      this.fragmentedText = opcode === OPCODE.text;
    } else {
      throw new WebSocketProtocolError(`unknown opcode ${opcode}`);
    }
    this.fragments.push(payload);
    this.fragmentsLength += payload.length;
    if (!fin) return;
    const whole = Buffer.concat(this.fragments, this.fragmentsLength);
    this.fragments = [];
    this.fragmentsLength = 0;
    this.handlers.message(whole, this.fragmentedText);
  }
}

/** The whole size of the frame starting `data`, or 0 while its header is incomplete. */
function frameSize(data: Buffer): number {
  if (data.length < 2) return 0;
  const length = data[1]! & 0x7f;
  if (length < 126) return 2 + length;
  if (length === 126) return data.length < 4 ? 0 : 4 + data.readUInt16BE(2);
  return data.length < 10 ? 0 : 10 + Number(data.readBigUInt64BE(2));
}

import { Buffer } from "node:buffer";
import { randomOctets } from "../../util/random-octets.js";
import { joined } from "../../util/joined.js";

/** WebSocket framing (RFC 6455, section 5), sans IO, for both ends of a connection. */
export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** A fragment counts at least this much toward a message's limit; a message has at most MAX_FRAGMENTS. */
const FRAGMENT_COST = 64;
const MAX_FRAGMENTS = 65_536;

/** Four fresh random octets: clients mask every frame with a new key (RFC 6455, 5.3). */
const nextMask = (): Buffer => randomOctets(4);

function lengthBytes(n: number): number {
  return n < 126 ? 0 : n <= 0xffff ? 2 : 8;
}

function writeHeader(target: Buffer, opcode: number, n: number, masked: boolean): number {
  target[0] = 0x80 | opcode;
  const maskBit = masked ? 0x80 : 0;
  const extra = lengthBytes(n);
  if (extra === 0) target[1] = maskBit | n;
  else if (extra === 2) {
    target[1] = maskBit | 126;
    target.writeUInt16BE(n, 2);
  } else {
    target[1] = maskBit | 127;
    target.writeBigUInt64BE(BigInt(n), 2);
  }
  return 2 + extra;
}

/** The header of an unmasked frame (what a server sends): the payload follows as it is. */
export function encodeServerHeader(opcode: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(2 + lengthBytes(length));
  writeHeader(header, opcode, length, false);
  return header;
}

/**
 * Payloads their writer hands over for good (the ZWS framing's own buffers of large frames): a
 * client masks them where they lie instead of copying them into a new frame.
 */
export const disposablePayloads = new WeakSet<Uint8Array>();

/**
 * A masked frame as a client sends it, as the parts to write: header and mask, then the payload
 * XOR mask. A disposable payload is masked in place (no copy); any other is copied first.
 */
export function encodeClientFrameParts(opcode: number, payload: Uint8Array): Uint8Array[] {
  if (!disposablePayloads.has(payload) || payload.length < 126) return [encodeClientFrame(opcode, payload)];
  disposablePayloads.delete(payload);
  const n = payload.length;
  const header = Buffer.allocUnsafe(2 + lengthBytes(n) + 4);
  const at = writeHeader(header, opcode, n, true);
  const mask = nextMask();
  mask.copy(header, at);
  xorMask(payload, mask);
  return [header, payload];
}

/** One whole masked frame, as a client sends it: header, mask, payload XOR mask. */
export function encodeClientFrame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const headerSize = 2 + lengthBytes(n) + 4;
  // Room to start the payload on a 4-octet boundary, so that it is masked a word at a time.
  const room = Buffer.allocUnsafe(headerSize + n + 3);
  const shift = (4 - ((room.byteOffset + headerSize) & 3)) & 3;
  const frame = room.subarray(shift, shift + headerSize + n);
  const at = writeHeader(frame, opcode, n, true);
  const mask = nextMask();
  mask.copy(frame, at);
  frame.set(payload, headerSize);
  xorMask(frame.subarray(headerSize), mask);
  return frame;
}

/** XORs `data` with the 4-octet mask, in place: a word at a time from its first aligned octet. */
export function xorMask(data: Uint8Array, mask: Uint8Array): void {
  const n = data.length;
  let i = 0;
  if (n >= 16) {
    const head = (4 - (data.byteOffset & 3)) & 3;
    for (; i < head; i++) data[i]! ^= mask[i & 3]!;
    // The mask as it falls on the aligned words: rotated by the octets done one by one.
    const rotated = new Uint8Array(4);
    for (let j = 0; j < 4; j++) rotated[j] = mask[(head + j) & 3]!;
    const key = new Uint32Array(rotated.buffer)[0]!;
    const words = new Uint32Array(data.buffer, data.byteOffset + head, (n - head) >>> 2);
    for (let w = 0; w < words.length; w++) words[w]! ^= key;
    i = head + (words.length << 2);
  }
  for (; i < n; i++) data[i]! ^= mask[i & 3]!;
}

export class WebSocketProtocolError extends Error {
  constructor(
    message: string,
    /** The close code to send (1002 protocol error, 1009 too big). */
    readonly closeCode = 1002,
  ) {
    super(message);
  }
}

export interface FrameHandlers {
  /** A whole message (fragments joined): binary or text. */
  message(payload: Buffer, text: boolean): void;
  ping(payload: Buffer): void;
  close(code: number, reason: string): void;
}

/**
 * Reads frames from a byte stream cut anywhere: a server's (unmasked), or a client's (masked:
 * unmasked in place, the stream's octets being ours). A message that lies whole in one chunk is
 * handed out as a view of it; a frame spread over chunks is joined once, when all of it has come.
 */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Octets the frame at the start of `pending` needs, as far as its header tells. */
  private needed = 0;
  private fragments: Buffer[] = [];
  private fragmentsLength = 0;
  /**
   * What the fragments held so far cost, each counted as at least FRAGMENT_COST octets: empty
   * fragments would otherwise pile up views for free.
   */
  private fragmentsCost = 0;
  private fragmentedText = false;

  constructor(
    private readonly handlers: FrameHandlers,
    private readonly maxPayload: number,
    /** True on a server: client frames must be masked; false on a client: server frames must not. */
    private readonly masked: boolean,
  ) {}

  /** True while a message has begun and not ended: a partial frame, or fragments. */
  get incomplete(): boolean {
    return this.pendingLength > 0 || this.fragments.length > 0;
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pendingLength > 0) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      if (this.pendingLength < this.needed) return;
      data = joined(this.pending, this.pendingLength);
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
    const masked = (b1 & 0x80) !== 0;
    if (masked !== this.masked) {
      throw new WebSocketProtocolError(masked ? "masked frame from a server" : "unmasked frame from a client");
    }
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (available < 4) return 0;
      length = data.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (available < 10) return 0;
      const big = data.readBigUInt64BE(offset + 2);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new WebSocketProtocolError("frame too long", 1009);
      length = Number(big);
      header = 10;
    }
    if (b0 & 0x08) {
      // A control frame is no part of a message, and the message limit is not its: it has its own
      // (RFC 6455, 5.5), checked before its payload is held.
      if (length > 125) throw new WebSocketProtocolError("invalid control frame");
    } else if (this.maxPayload > 0 && this.fragmentsCost + length > this.maxPayload) {
      throw new WebSocketProtocolError(`message over ${this.maxPayload} octets`, 1009);
    }
    const maskAt = offset + header;
    if (masked) header += 4;
    if (available < header + length) return 0;
    const payload = data.subarray(offset + header, offset + header + length);
    if (masked) xorMask(payload, data.subarray(maskAt, maskAt + 4));
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
    this.fragmentsCost += Math.max(payload.length, FRAGMENT_COST);
    if (this.fragments.length > MAX_FRAGMENTS) {
      throw new WebSocketProtocolError(`a message in more than ${MAX_FRAGMENTS} fragments`, 1009);
    }
    if (!fin) return;
    const whole = joined(this.fragments, this.fragmentsLength);
    this.fragments = [];
    this.fragmentsLength = 0;
    this.fragmentsCost = 0;
    this.handlers.message(whole, this.fragmentedText);
  }
}

/** The whole size of the frame starting `data`, or 0 while its header is incomplete. */
function frameSize(data: Buffer): number {
  if (data.length < 2) return 0;
  const mask = data[1]! & 0x80 ? 4 : 0;
  const length = data[1]! & 0x7f;
  if (length < 126) return 2 + mask + length;
  if (length === 126) return data.length < 4 ? 0 : 4 + mask + data.readUInt16BE(2);
  return data.length < 10 ? 0 : 10 + mask + Number(data.readBigUInt64BE(2));
}

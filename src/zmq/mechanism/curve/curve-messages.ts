import { Buffer } from "node:buffer";
import { ProtocolError } from "../../errors.js";
import type { CurveBoxes, PrefixedBoxes } from "./curve-box.js";
import { concat, malformed, readShortNonce, writeShortNonce } from "./curve-nonce.js";
import type { BoxPool } from "./curve-pool.js";
import type { FrameCodec, OpenedFrame } from "../mechanism.js";

/**
 * Frames from this size on go to the pool; below it, posting (a copy each way, a message, a
 * promise) costs as much as it saves: on two idle cores, two workers seal 64 KiB frames no
 * faster than this thread does, 256 KiB ones 10% faster, 1 MiB ones 30% (benchmarks/README.md).
 */
const POOL_THRESHOLD = 256 * 1024;

const MORE = 1;
const COMMAND = 2;
const MESSAGE_HEADER = Buffer.from("\x07MESSAGE", "latin1");
const MESSAGE_HEADER_WITH_ROOM = Buffer.concat([MESSAGE_HEADER, Buffer.alloc(8)]);

function isMessage(frame: Uint8Array): boolean {
  for (let i = 0; i < 8; i++) if (frame[i] !== MESSAGE_HEADER[i]) return false;
  return true;
}

/** MESSAGE boxes both ways, once the handshake is done; short nonces must keep increasing. */
export class MessageBoxes implements FrameCodec {
  private readonly sending: PrefixedBoxes;
  private readonly receiving: PrefixedBoxes;
  private readonly sendPrefix: Buffer;
  private readonly receivePrefix: Buffer;
  // Reused for every message: the short nonce we send.
  private readonly sendTail = new Uint8Array(8);
  private readonly sendTailView = new DataView(this.sendTail.buffer);
  /** MESSAGE's name, then the short nonce: what goes before each box. */
  private readonly sendHead = Uint8Array.from(MESSAGE_HEADER_WITH_ROOM);

  constructor(
    boxes: CurveBoxes,
    private readonly key: Uint8Array,
    sendPrefix: string,
    receivePrefix: string,
    private sendNonce: number,
    private receivedNonce: number,
    /** Worker threads for large boxes, when the context has them. */
    private readonly pool: BoxPool | undefined,
  ) {
    this.sendPrefix = Buffer.from(sendPrefix, "latin1");
    this.receivePrefix = Buffer.from(receivePrefix, "latin1");
    this.sending = boxes.prefixed(key, this.sendPrefix);
    this.receiving = boxes.prefixed(key, this.receivePrefix);
  }

  encode(body: Uint8Array, more: boolean, command: boolean): Uint8Array {
    writeShortNonce(this.sendTailView, ++this.sendNonce);
    this.sendHead.set(this.sendTail, 8);
    return this.sending.sealMessage(this.sendTail, this.sendHead, flagsOf(more, command), body);
  }

  encodeLater(body: Uint8Array, more: boolean, command: boolean): Promise<Uint8Array> | undefined {
    if (!this.pool || body.length < POOL_THRESHOLD) return undefined;
    writeShortNonce(this.sendTailView, ++this.sendNonce);
    this.sendHead.set(this.sendTail, 8);
    const nonce = concat(this.sendPrefix, this.sendTail);
    return this.pool.sealMessage(this.key, nonce, Uint8Array.from(this.sendHead), flagsOf(more, command), body);
  }

  decode(frame: Uint8Array): OpenedFrame {
    const tail = this.checkNonce(frame);
    return opened(this.receiving.open(tail, frame.subarray(16)));
  }

  decodeLater(frame: Uint8Array): Promise<OpenedFrame> | undefined {
    if (!this.pool || frame.length < POOL_THRESHOLD) return undefined;
    const tail = this.checkNonce(frame);
    return this.pool.open(this.key, concat(this.receivePrefix, tail), frame.subarray(16)).then(opened);
  }

  /** The frame's short nonce, once it is known to be a MESSAGE that comes after the last one. */
  private checkNonce(frame: Uint8Array): Uint8Array {
    if (frame.length < 8 + 8 + 17 || !isMessage(frame)) throw malformed("MESSAGE");
    const tail = frame.subarray(8, 16);
    const value = readShortNonce(tail);
    if (value <= this.receivedNonce)
      throw new ProtocolError("EPROTO", "CURVE MESSAGE nonce replayed or out of order", "ERR_ZMTP_INVALID_SEQUENCE");
    // Taken at once (a later frame must come after this one), though its box is opened afterwards:
    // a box that does not open ends the connection anyway.
    this.receivedNonce = value;
    return tail;
  }
}

function flagsOf(more: boolean, command: boolean): number {
  return (more ? MORE : 0) | (command ? COMMAND : 0);
}

/** A MESSAGE box's content: flags, then the frame's body. */
function opened(payload: Uint8Array | undefined): OpenedFrame {
  if (!payload || payload.length < 1)
    throw new ProtocolError("EPROTO", "CURVE MESSAGE box does not open", "ERR_ZMTP_CRYPTOGRAPHIC");
  const flags = payload[0]!;
  return {
    body: Buffer.from(payload.buffer, payload.byteOffset + 1, payload.length - 1),
    more: (flags & MORE) !== 0,
    command: (flags & COMMAND) !== 0,
  };
}

import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Message } from "./pipe.js";

/** What send() accepts for one frame. */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null;

const EMPTY = new Uint8Array(0);

export function toFrame(value: MessageLike): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  if (value === null || value === undefined) return EMPTY;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  // As the native package: a number goes as its decimal text.
  if (typeof value === "number") return Buffer.from(String(value), "utf8");
  if (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new ZmqError("EINVAL", `cannot send a ${typeof value} as a frame: use string, Uint8Array or ArrayBuffer`);
}

/**
 * Frames are taken by reference, not copied: do not modify a buffer after passing it to send().
 */
export function toFrames(message: MessageLike | MessageLike[]): Message {
  if (Array.isArray(message)) {
    if (message.length === 0) throw new ZmqError("EINVAL", "a message needs at least one frame");
    const frames = new Array<Uint8Array>(message.length);
    for (let i = 0; i < message.length; i++) frames[i] = toFrame(message[i]!);
    return frames;
  }
  return [toFrame(message)];
}

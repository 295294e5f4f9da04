import { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";

/** libzmq's ZMQ_GROUP_MAX_LENGTH (4.3.5). */
export const GROUP_MAX_LENGTH = 255;

/** A RADIO/DISH group as bytes; the native package takes strings and buffers. */
export function groupBytes(value: unknown): Buffer {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("Value must be a string or buffer");
}

/** A group a DISH may join: at most GROUP_MAX_LENGTH octets. */
export function checkedGroup(value: unknown): Buffer {
  const group = groupBytes(value);
  if (group.length > GROUP_MAX_LENGTH) {
    throw new ZmqError("EINVAL", `a group has at most ${GROUP_MAX_LENGTH} octets`);
  }
  return group;
}

/** Groups by their bytes (as latin1 text, one character per octet). */
export const groupKey = (group: Uint8Array): string =>
  Buffer.from(group.buffer, group.byteOffset, group.byteLength).toString("latin1");

import { Buffer } from "node:buffer";
import { ZmqError } from "../../errors.js";

/** libzmq's ZMQ_GROUP_MAX_LENGTH (4.3.5). */
export const GROUP_MAX_LENGTH = 255;

/**
 * A RADIO/DISH group as bytes; the native package takes strings and buffers. libzmq reads a group
 * as a C string: what follows a zero octet is not part of it ("ab\0cd" is the group "ab").
 */
export function groupBytes(value: unknown): Buffer {
  let group: Buffer;
  if (typeof value === "string") group = Buffer.from(value, "utf8");
  else if (value instanceof Uint8Array) group = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  else throw new TypeError("Value must be a string or buffer");
  const end = group.indexOf(0);
  return end < 0 ? group : group.subarray(0, end);
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

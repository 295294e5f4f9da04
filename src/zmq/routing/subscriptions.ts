import { Buffer } from "node:buffer";
import { octetKey } from "../util/octet-key.js";

/**
 * A set of topic prefixes with reference counts (subscribing twice needs two cancels, as in
 * libzmq). Matching is a prefix test on the message's first frame.
 */
export class Subscriptions {
  private topics = new Map<string, { prefix: Buffer; count: number }>();

  /** Returns true when the topic is new. */
  add(topic: Uint8Array): boolean {
    const key = octetKey(topic);
    const entry = this.topics.get(key);
    if (entry) {
      entry.count++;
      return false;
    }
    this.topics.set(key, { prefix: Buffer.from(topic), count: 1 });
    return true;
  }

  /** Returns true when the last subscription to the topic is gone. */
  remove(topic: Uint8Array): boolean {
    const key = octetKey(topic);
    const entry = this.topics.get(key);
    if (!entry) return false;
    if (--entry.count > 0) return false;
    this.topics.delete(key);
    return true;
  }

  has(topic: Uint8Array): boolean {
    return this.topics.has(octetKey(topic));
  }

  matches(frame: Uint8Array | undefined): boolean {
    if (this.topics.size === 0) return false;
    const data = frame ?? EMPTY;
    for (const { prefix } of this.topics.values()) {
      if (prefix.length <= data.length && startsWith(data, prefix)) return true;
    }
    return false;
  }

  *[Symbol.iterator](): IterableIterator<Buffer> {
    for (const { prefix } of this.topics.values()) yield prefix;
  }

  clear(): void {
    this.topics.clear();
  }
}

const EMPTY = new Uint8Array(0);

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

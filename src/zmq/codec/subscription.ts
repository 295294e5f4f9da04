import { Buffer } from "node:buffer";

/**
 * The subscription message of ZMTP 3.0 and of XPUB/XSUB sockets: one frame, 0x01 (subscribe)
 * or 0x00 (cancel), then the topic. ZMTP 3.1 peers send SUBSCRIBE/CANCEL commands instead.
 */
export function encodeSubscription(subscribe: boolean, topic: Uint8Array): Buffer {
  const message = Buffer.allocUnsafe(topic.length + 1);
  message[0] = subscribe ? 1 : 0;
  message.set(topic, 1);
  return message;
}

/** The subscription a message carries, or undefined when it is an ordinary message. */
export function decodeSubscription<T extends Uint8Array>(
  message: readonly T[],
): { subscribe: boolean; topic: T } | undefined {
  const first = message[0];
  if (message.length !== 1 || !first || first.length === 0 || first[0]! > 1) return undefined;
  return { subscribe: first[0] === 1, topic: first.subarray(1) as T };
}

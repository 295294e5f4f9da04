import { ZmqError } from "../../errors.js";
import type { Message } from "../pipe.js";

/**
 * The draft socket types are thread-safe in libzmq, and so take no multipart messages: a send
 * of several frames fails with EINVAL, as the native package's does.
 */
export function singleFrame(message: Message): Message {
  if (message.length !== 1) throw new ZmqError("EINVAL", "draft sockets send one frame per message");
  return message;
}

/** What the native package says of options that are not an object. */
export function assertOptionsObject(options: unknown): asserts options is Record<string, unknown> {
  if (typeof options !== "object" || options === null) throw new TypeError("Options must be an object");
}

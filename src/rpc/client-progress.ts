// A call's progress reports (protocol-spec/rpc.md, section 8.1) handed to its onProgress.
import type { Buffer } from "node:buffer";
import { decodeBody, type Encoding } from "../common/codec.js";
import type { Logger } from "../util/logger.js";
import { InterimKind } from "./call-messages.js";

/**
 * The interim-message handler of a call that asked for progress: each report, decoded, goes to
 * `onProgress`. Reports come encoded as the request was (a number has no telling octet); one that
 * cannot be read is not passed on, and a listener's failure is the listener's (logged).
 */
export function progressReports(
  onProgress: (value: unknown) => void,
  encoding: Encoding,
  logger: Logger,
  what: string,
): (kind: number, body: Buffer[]) => void {
  return (kind, body) => {
    if (kind !== InterimKind.progress || !body[0]) return;
    let value: unknown;
    try {
      value = decodeBody(body[0], encoding);
    } catch {
      return;
    }
    try {
      onProgress(value);
    } catch (e) {
      logger.warn(`an onProgress listener of ${what} threw`, e);
    }
  };
}

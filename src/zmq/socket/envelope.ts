import type { Buffer } from "node:buffer";

/**
 * Splits a request at its empty delimiter frame: the envelope (routing ids and the delimiter,
 * which a reply must carry back) and the body. A routing id is never empty, so the first empty
 * frame is the delimiter, whether or not a ROUTER put an id in front. Undefined when there is
 * no delimiter: not a request that can be answered.
 */
export function splitEnvelope(frames: Buffer[]):
  | {
      /** The routing ids and the empty delimiter: put them in front of the reply's frames. */
      envelope: Buffer[];
      /** The frames after the delimiter: the request itself. */
      body: Buffer[];
    }
  | undefined {
  const delimiter = frames.findIndex((f) => f.length === 0);
  if (delimiter < 0) return undefined;
  return { envelope: frames.slice(0, delimiter + 1), body: frames.slice(delimiter + 1) };
}

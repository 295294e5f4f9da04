/**
 * The call extension on the wire (protocol-spec/rpc.md, section 8), shared by the server and the
 * client: the features a server announces, the one-octet kind frame of interim messages
 * (progress, stream items), the options a METHOD_CALL may carry, and the stream window's bounds.
 */
import { Buffer } from "node:buffer";

/** What a server offering the extension lists in its inventory's `plantrpc.calls`. */
export const CALL_FEATURES = ["cancel", "progress", "stream"] as const;

/** One of the call extension's features. */
export type CallFeature = (typeof CALL_FEATURES)[number];

/** The kind frame of each interim message (one octet: a reply's first frame never is). */
export const InterimKind = {
  /** A progress value (one body frame). */
  progress: 0x50,
  /** A stream's next item, a value (one body frame). */
  item: 0x49,
  /** A stream's next item, a buffer (the info frame, then the bytes). */
  bufferItem: 0x42,
} as const;

/** The kind frames, made once (sent in front of every interim message). */
export const KIND_FRAMES = {
  progress: Buffer.from([InterimKind.progress]),
  item: Buffer.from([InterimKind.item]),
  bufferItem: Buffer.from([InterimKind.bufferItem]),
} as const;

/** The interim kind a reply's first frame stands for, or undefined for an ordinary reply. */
export function interimKind(frame: Uint8Array | undefined): number | undefined {
  if (frame?.length !== 1) return undefined;
  const kind = frame[0]!;
  return kind === InterimKind.progress || kind === InterimKind.item || kind === InterimKind.bufferItem
    ? kind
    : undefined;
}

/** Items a stream may have unread at most (a window asked for is bounded by it). */
export const MAX_STREAM_WINDOW = 256;
/** The window a client asks for unless told otherwise. */
export const DEFAULT_STREAM_WINDOW = 16;

/** What a METHOD_CALL's `plantrpc` key may ask (section 8.2). */
export interface CallRequestOptions {
  /** Send progress messages before the reply. */
  progress?: boolean;
  /** Call a stream method, with this many items allowed before credit is awaited. */
  stream?: { window: number };
}

// What an RPCClient is given and gives back: its options, the inventory, results.
import type { Encoding } from "../common/codec.js";
import type { Logger } from "../util/logger.js";
import type { CurveClientKeys } from "./curve.js";

/** Options of `RPCClient.connect()`. */
export interface RPCClientOptions {
  /** ms to wait for the inventory (and the signal set-up). Default 1000. */
  timeout?: number;
  /** "auto" (default) uses MessagePack with plantrpc servers that offer it, JSON otherwise. */
  encoding?: Encoding | "auto";
  /** Subscribe to the server's signals at connect time when it has any. Default true. */
  signals?: boolean;
  /** Where failing signal listeners are reported. Default: a process warning. */
  logger?: Logger;
  /** Talk to a CURVE device: its public key (and optionally our own pair). */
  curve?: CurveClientKeys;
  /** Gives up connecting when it aborts: connect() rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of one call: `call()`, `getProperty()`, `setProperty()`. */
export interface CallOptions {
  /** ms to wait for this call; null = forever. Default: the method's inventory timeout. */
  timeout?: number | null;
  /**
   * Gives up the call when it aborts: the promise rejects at once with the signal's reason, and
   * a reply that comes later is dropped, as a timed-out call's is. A plantrpc device is told
   * (CANCEL), and the handler's own signal aborts (protocol-spec/rpc.md, section 8).
   */
  signal?: AbortSignal;
  /**
   * Called with each progress value the method reports before its result (a plantrpc device's
   * method registered with `callContext: true`); devices that do not report progress, and
   * Python ones, never call it. Properties take no progress.
   */
  onProgress?: (value: unknown) => void;
}

/** Options of `client.stream()`. */
export interface StreamCallOptions {
  /** ms to wait for each item (the first one included); null = forever. Default: the stream's inventory timeout. */
  timeout?: number | null;
  /** Stops the stream when it aborts: the device is told, and the reading loop throws the reason. */
  signal?: AbortSignal;
  /**
   * Items the device may send ahead of the reader (1 to 256, default 16): it never runs further
   * ahead than that, however slow the reader.
   */
  window?: number;
}

/** A buffer method's result. */
export interface BufferResult {
  /** The bytes the method returned, as the reply's second frame carried them. */
  buffer: Uint8Array;
  /** The object the method returned beside them (JSON or MessagePack on the wire). */
  info: Record<string, unknown>;
}

/** Each method of T, as a remote call returning a promise. */
export type RemoteProxy<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** A decoded reply object (what each event answers is in protocol-spec/rpc.md). */
export type Reply = Record<string, unknown>;

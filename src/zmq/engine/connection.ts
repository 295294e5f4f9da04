import type { Buffer } from "node:buffer";
import type { Metadata } from "../codec/command.js";
import type { ZmqError } from "../errors.js";

/** What the connection learnt about its peer (during the handshake, for ZMTP). */
export interface PeerInfo {
  socketType: string;
  identity: Buffer;
  /** ZMTP minor version: 0 for a 3.0 peer, 1 for 3.1. */
  minor: number;
  metadata: Metadata;
}

/**
 * One connection to one peer, as the socket layer sees it: a ZMTP engine (engine.ts) or, for
 * STREAM sockets, raw bytes (raw-connection.ts).
 */
export interface Connection {
  readonly state: "greeting" | "handshake" | "ready" | "closed";
  readonly peer: PeerInfo | undefined;
  /** The carrier asked us to wait for a drain. */
  readonly blocked: boolean;
  readonly remoteAddress: string;
  /** Messages encoded but not yet handed to the carrier. */
  readonly batchedMessages: number;
  start(): void;
  sendMessage(frames: readonly Uint8Array[]): void;
  sendCommand(name: string, data?: Uint8Array): void;
  pauseReading(): void;
  resumeReading(): void;
  /** Closes after what is queued has been written. */
  closeGracefully(): void;
  /** Drops the connection now; the owner hears connectionClosed(error). */
  close(error?: ZmqError): void;
  /** Refuses the peer after its handshake (with an ERROR command, for ZMTP). */
  refuse(error: ZmqError): void;
}

/** How a connection reports to the socket that owns it. */
export interface ConnectionOwner {
  engineReady(connection: Connection): void;
  engineMessage(connection: Connection, frames: Buffer[]): void;
  /** SUBSCRIBE / CANCEL commands (ZMTP 3.1), and a DISH's JOIN / LEAVE. */
  engineSubscription(connection: Connection, subscribe: boolean, topic: Buffer): void;
  /** The connection flushed its batch or its carrier drained: room for more. */
  engineWritable(connection: Connection): void;
  /** Called once. `error` is set when the connection failed rather than ended. */
  engineClosed(connection: Connection, error: ZmqError | undefined): void;
}

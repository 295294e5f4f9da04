import type { Buffer } from "node:buffer";

/**
 * One connected byte stream, whatever carries it (TCP, a Unix socket, memory, later a
 * WebSocket). The ZMTP engine sees only this.
 */
export interface Carrier {
  /** Human-readable peer address, for events. */
  readonly remoteAddress: string;
  /** Installs the handlers; data flows only after this call. */
  start(handlers: CarrierHandlers): void;
  /** Writes the chunks in order; false means "wait for onDrain before writing more". */
  write(chunks: readonly Uint8Array[]): boolean;
  pause(): void;
  resume(): void;
  /** Half-closes after pending writes are flushed. */
  end(): void;
  /** Drops the connection now. */
  destroy(): void;
  /** TCP keepalive, where the carrier has it: probes after `idleMs` of silence. */
  setKeepAlive?(enable: boolean, idleMs: number): void;
}

/** Settings of one connection attempt (the socket's connectTimeout and tcpKeepalive options). */
export interface ConnectOptions {
  /** ms the attempt may take; 0 = the OS's own limit. */
  timeout?: number;
  /** TCP keepalive; absent = the OS default. */
  keepAlive?: { enable: boolean; idleMs: number };
}

export interface CarrierHandlers {
  data(chunk: Buffer): void;
  /**
   * Optional zero-copy reads: where the next bytes should land when the reader already has
   * their final place (the rest of a large frame body). A carrier that can read into it does,
   * and then reports targetFilled(n) instead of data().
   */
  readTarget?(): Uint8Array | undefined;
  targetFilled?(n: number): void;
  drain(): void;
  /** Called once, when the stream is gone; `error` when it ended abnormally. */
  close(error?: Error): void;
}

export interface Listener {
  /** The endpoint as bound, with the port the OS chose (`tcp://127.0.0.1:41234`). */
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface Transport {
  listen(address: string, accept: (carrier: Carrier) => void): Promise<Listener>;
  /** Resolves once the stream is established, rejects when it could not be. */
  connect(address: string, options?: ConnectOptions): Promise<Carrier>;
}

/**
 * Frames gathered between two flushes, encoded for one kind of carrier: ZMTP bytes for a
 * stream (WriteBatch), one WebSocket message per frame for ZWS (ZwsBatch).
 */
export interface FrameBatch {
  readonly isEmpty: boolean;
  /** Messages added since the last take(). */
  readonly messages: number;
  /** Octets added since the last take(). */
  readonly bytes: number;
  addMessage(frames: readonly Uint8Array[]): void;
  /** One message whose frames the mechanism has sealed: each travels as a frame of its own. */
  addSealedMessage(frames: readonly Uint8Array[]): void;
  /** A command the mechanism has sealed (it travels as an ordinary frame). */
  addSealed(frame: Uint8Array): void;
  addCommand(body: Uint8Array): void;
  /** Everything gathered so far, as the carrier's write() takes it; the batch is then empty. */
  take(): Uint8Array[];
}

/**
 * Frames gathered between two flushes, encoded for one kind of carrier: ZMTP bytes for a
 * stream (WriteBatch), one WebSocket message per frame for ZWS (ZwsBatch). The two differ only
 * in how one frame is written and in the values of their flags.
 */
export abstract class FrameBatch {
  /** Messages added since the last take(). */
  messages = 0;
  /** Octets added since the last take(). */
  bytes = 0;

  constructor(
    /** The flag that marks a frame followed by more of its message. */
    private readonly moreFlag: number,
    /** The flag that marks a command. */
    private readonly commandFlag: number,
  ) {}

  abstract get isEmpty(): boolean;

  /** Everything gathered so far, as the carrier's write() takes it; the batch is then empty. */
  abstract take(): Uint8Array[];

  protected abstract addFrame(flags: number, body: Uint8Array): void;

  addMessage(frames: readonly Uint8Array[]): void {
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) this.addFrame(i < last ? this.moreFlag : 0, frames[i]!);
    this.messages++;
  }

  /** One message whose frames the mechanism has sealed: each travels as a frame of its own. */
  addSealedMessage(frames: readonly Uint8Array[]): void {
    for (const frame of frames) this.addFrame(0, frame);
    this.messages++;
  }

  /** A command the mechanism has sealed (it travels as an ordinary frame). */
  addSealed(frame: Uint8Array): void {
    this.addFrame(0, frame);
  }

  addCommand(body: Uint8Array): void {
    this.addFrame(this.commandFlag, body);
  }
}

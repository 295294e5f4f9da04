import type { Buffer } from "node:buffer";
import { BareConnection } from "./bare-connection.js";

/**
 * A connection without ZMTP, for STREAM sockets: the bytes as they come are the messages, and
 * what is sent is written as it is.
 */
export class RawConnection extends BareConnection {
  protected received(chunk: Buffer): void {
    this.owner.engineMessage(this, [chunk]);
  }

  sendMessage(frames: readonly Uint8Array[]): void {
    if (this.state === "closed") return;
    if (!this.carrier.write(frames)) this.blocked = true;
  }
}

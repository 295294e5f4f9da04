import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Carrier } from "../transport/carrier.js";
import type { Connection, ConnectionOwner, PeerInfo } from "./connection.js";

const EMPTY = Buffer.alloc(0);

/**
 * A connection without ZMTP, for STREAM sockets: the bytes as they come are the messages, and
 * what is sent is written as it is. Ready at once; there is no handshake and no peer identity.
 */
export class RawConnection implements Connection {
  state: Connection["state"] = "greeting";
  readonly peer: PeerInfo = { socketType: "", identity: EMPTY, minor: 1, metadata: new Map() };
  blocked = false;
  readonly batchedMessages = 0;

  constructor(
    private readonly carrier: Carrier,
    private readonly owner: ConnectionOwner,
  ) {}

  get remoteAddress(): string {
    return this.carrier.remoteAddress;
  }

  start(): void {
    this.carrier.start({
      data: (chunk) => {
        if (this.state === "ready") this.owner.engineMessage(this, [chunk]);
      },
      drain: () => {
        this.blocked = false;
        this.owner.engineWritable(this);
      },
      close: (error) => this.finish(error ? new ZmqError("ECONNRESET", error.message, { cause: error }) : undefined),
    });
    // After the socket has recorded this connection (start() returns first).
    queueMicrotask(() => {
      if (this.state !== "greeting") return;
      this.state = "ready";
      this.owner.engineReady(this);
    });
  }

  sendMessage(frames: readonly Uint8Array[]): void {
    if (this.state === "closed") return;
    if (!this.carrier.write(frames)) this.blocked = true;
  }

  sendCommand(): void {}

  pauseReading(): void {
    this.carrier.pause();
  }

  resumeReading(): void {
    this.carrier.resume();
  }

  closeGracefully(): void {
    if (this.state !== "closed") this.carrier.end();
  }

  close(error?: ZmqError): void {
    if (this.state === "closed") return;
    this.carrier.destroy();
    this.finish(error);
  }

  refuse(error: ZmqError): void {
    this.close(error);
  }

  private finish(error: ZmqError | undefined): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.owner.engineClosed(this, error);
  }
}

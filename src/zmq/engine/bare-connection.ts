import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Carrier } from "../transport/carrier.js";
import type { Connection, ConnectionOwner, PeerInfo } from "./connection.js";

const EMPTY = Buffer.alloc(0);

/**
 * What a connection without ZMTP shares (STREAM's raw bytes, udp:// datagrams): no greeting, no
 * handshake, no peer identity, no commands; ready as soon as the socket has recorded it. A
 * subclass says what a chunk read is and how a message is written.
 */
export abstract class BareConnection<C extends Carrier = Carrier> implements Connection {
  state: Connection["state"] = "greeting";
  readonly peer: PeerInfo = { socketType: "", identity: EMPTY, minor: 1, metadata: new Map() };
  blocked = false;
  readonly batchedMessages = 0;

  constructor(
    protected readonly carrier: C,
    protected readonly owner: ConnectionOwner,
  ) {}

  get remoteAddress(): string {
    return this.carrier.remoteAddress;
  }

  start(): void {
    this.carrier.start({
      data: (chunk) => {
        if (this.state === "ready") this.received(chunk);
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

  /** One chunk the carrier read, once ready. */
  protected abstract received(chunk: Buffer): void;

  abstract sendMessage(frames: readonly Uint8Array[]): void;

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

import { Buffer } from "node:buffer";
import * as net from "node:net";
import { encodeCommandBody, encodeMetadata } from "../../src/zmq/codec/command.js";
import { FLAG_COMMAND } from "../../src/zmq/codec/constants.js";
import { FrameDecoder } from "../../src/zmq/codec/decoder.js";
import { encodeFrame, encodeMessage } from "../../src/zmq/codec/frame.js";
import { encodeGreeting } from "../../src/zmq/codec/greeting.js";

/** A hand-driven ZMTP peer over TCP, for feeding a socket exactly the bytes a test needs. */
export class RawPeer {
  readonly frames: Array<{ flags: number; body: Buffer }> = [];
  private waiters: Array<() => void> = [];
  private received = Buffer.alloc(0);
  private decoder = new FrameDecoder((flags, body) => {
    this.frames.push({ flags, body: Buffer.from(body) });
    this.wake();
  });
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (d) => {
      if (this.received.length < 64) {
        this.received = Buffer.concat([this.received, d]);
        if (this.received.length >= 64) {
          const rest = this.received.subarray(64);
          this.received = this.received.subarray(0, 64);
          if (rest.length) this.decoder.push(rest);
        }
      } else {
        this.decoder.push(d);
      }
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  /** Wraps an already connected socket (a peer that listens). */
  static wrap(socket: net.Socket): RawPeer {
    return new RawPeer(socket);
  }

  static async connect(endpoint: string): Promise<RawPeer> {
    const m = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint)!;
    const socket = net.connect({ host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) });
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new RawPeer(socket);
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Greeting plus a NULL READY announcing `socketType`. */
  handshake(socketType: string, minor = 1): void {
    const g = encodeGreeting("NULL", false);
    g[11] = minor;
    this.write(g);
    this.command("READY", encodeMetadata([["Socket-Type", socketType]]));
  }

  command(name: string, data: Uint8Array = Buffer.alloc(0)): void {
    this.write(encodeFrame(FLAG_COMMAND, encodeCommandBody(name, data)));
  }

  message(frames: Uint8Array[]): void {
    this.write(encodeMessage(frames));
  }

  /** Resolves once `test` holds on what has been received, or the connection closed. */
  async until(test: () => boolean): Promise<void> {
    while (!test() && !this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  commandNames(): string[] {
    return this.frames.filter((f) => f.flags & FLAG_COMMAND).map((f) => f.body.toString("latin1", 1, 1 + f.body[0]!));
  }

  async waitClosed(): Promise<void> {
    await this.until(() => false);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

import { Buffer } from "node:buffer";
import {
  decodeCommandBody,
  decodeErrorReason,
  decodePing,
  encodeCommandBody,
  encodeErrorCommand,
  encodePing,
  type Command,
  type Metadata,
} from "../codec/command.js";
import { FLAG_COMMAND, FLAG_MORE } from "../codec/constants.js";
import { asZmqError, ProtocolError, ZmqError } from "../errors.js";
import type { FrameCodec, OpenedFrame } from "../mechanism/mechanism.js";
import type { Carrier } from "../transport/carrier.js";
import type { Connection, ConnectionOwner, PeerInfo } from "./connection.js";
import { Handshake, type HandshakeLink, type HandshakeOptions } from "./handshake.js";
import { Heartbeats } from "./heartbeats.js";
import { InOrder } from "./in-order.js";
import { Outgoing } from "./outgoing.js";
import type { Wire, WireLink } from "./wire.js";
import { ZmtpWire } from "./zmtp-wire.js";
import { ZwsWire } from "./zws-wire.js";
import { unref } from "../util/timers.js";

/** An engine's settings: the handshake's (HandshakeOptions), then the wire's and the heartbeats'. */
export interface EngineOptions extends HandshakeOptions {
  maxMessageSize: number;
  heartbeatInterval: number;
  heartbeatTimeout: number;
  heartbeatTimeToLive: number;
  handshakeTimeout: number;
}

export type { PeerInfo } from "./connection.js";

type State = "greeting" | "handshake" | "ready" | "closed";

/** Octets being opened on worker threads beyond which reading stops until they are done. */
const OPENING_LIMIT = 8 * 1024 * 1024;
/** Frames waiting behind one being opened (small ones count no octets) beyond which reading pauses too. */
const OPENING_ENTRIES = 4096;

const EMPTY = Buffer.alloc(0);

/**
 * One ZMTP connection over one carrier: security handshake, messages, heartbeats and closing,
 * over one of two wires (wire.ts), chosen here once: a byte stream with its greeting, or ZWS's
 * WebSocket messages. It knows nothing about routing: complete messages go to its owner.
 */
export class Engine implements Connection {
  state: State = "greeting";
  peer: PeerInfo | undefined;
  private readonly wire: Wire;
  private readonly out: Outgoing;
  /** The mechanism's steps, from the greeting (or the WebSocket handshake) on. */
  private handshake: Handshake | undefined;
  /** CURVE's MESSAGE boxes, once the handshake is done. */
  private codec: FrameCodec | undefined;
  private frames: Buffer[] = [];
  /** Frames one message may have (see the constructor). */
  private readonly maxFrames: number;
  private readonly heartbeats = new Heartbeats({
    sendPing: (ttl) => {
      if (this.state !== "ready") return;
      this.out.command(encodePing(ttl));
      this.out.schedule();
    },
    dead: (error) => this.fail(error),
  });
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private ending = false;
  /** Frames opened on worker threads (CURVE), and those after them, handed on in order. */
  private readonly opening = new InOrder<OpenedFrame>(
    (opened) => this.onOpened(opened),
    (e) => this.fail(asZmqError(e)),
    () => this.updateReading(),
  );
  /** The owner paused reading (its receive high-water mark). */
  private ownerPaused = false;
  /** Reading is paused, for the owner or for `opening`. */
  private readingPaused = false;

  constructor(
    readonly carrier: Carrier,
    private readonly options: EngineOptions,
    private readonly owner: ConnectionOwner,
  ) {
    // maxMessageSize bounds each frame (as libzmq); empty frames cost a view each, so with a
    // limit set, a message's frames are bounded too: as many as 64-octet frames would fill it.
    this.maxFrames = options.maxMessageSize >= 0 ? Math.max(1024, Math.floor(options.maxMessageSize / 64)) : Infinity;
    this.wire = this.chooseWire();
    this.out = new Outgoing(
      carrier,
      this.wire.batch,
      () => this.state !== "closed",
      () => this.owner.engineWritable(this),
      (e) => this.fail(asZmqError(e)),
    );
  }

  /** The carrier asked us to wait for a drain. */
  get blocked(): boolean {
    return this.out.blocked;
  }

  get remoteAddress(): string {
    return this.carrier.remoteAddress;
  }

  /** Messages encoded but not yet handed to the carrier. */
  get batchedMessages(): number {
    return this.out.messages;
  }

  start(): void {
    this.carrier.start({
      data: (chunk) => this.onData(chunk),
      readTarget: () => (this.state === "ready" ? this.wire.readTarget?.() : undefined),
      readSize: () => (this.state === "ready" ? this.wire.readSize?.() : undefined),
      targetFilled: (n) => this.onTargetFilled(n),
      drain: () => this.out.drained(),
      close: (error) => this.finish(this.closedByPeer(error)),
    });
    try {
      this.wire.start(this.out);
    } catch (e) {
      this.fail(asZmqError(e));
    }
    if (this.options.handshakeTimeout > 0) {
      this.handshakeTimer = unref(
        setTimeout(() => {
          if (this.state === "greeting" || this.state === "handshake") {
            // A timeout is no protocol error (libzmq reconnects after it): "other", with ETIMEDOUT.
            this.fail(new ZmqError("ETIMEDOUT", "handshake timed out"));
          }
        }, this.options.handshakeTimeout),
      );
    }
  }

  sendMessage(frames: readonly Uint8Array[]): void {
    if (this.state !== "closed") this.out.message(frames);
  }

  sendCommand(name: string, data: Uint8Array = EMPTY): void {
    if (this.state === "closed") return;
    this.out.command(encodeCommandBody(name, data));
    this.out.schedule();
  }

  pauseReading(): void {
    this.ownerPaused = true;
    this.updateReading();
  }

  resumeReading(): void {
    this.ownerPaused = false;
    this.updateReading();
  }

  /** Reading stops while the owner wants it to or too much is being opened on worker threads. */
  private updateReading(): void {
    const pause = this.ownerPaused || this.opening.pendingSize > OPENING_LIMIT || this.opening.length > OPENING_ENTRIES;
    if (pause === this.readingPaused) return;
    this.readingPaused = pause;
    if (pause) this.carrier.pause();
    else this.carrier.resume();
  }

  /** Closes after what is queued has been written. */
  closeGracefully(): void {
    if (this.state === "closed" || this.ending) return;
    this.ending = true;
    this.out.end(() => this.carrier.end());
  }

  /** Drops the connection now; the owner hears engineClosed(error). */
  close(error?: ZmqError): void {
    if (this.state === "closed") return;
    this.carrier.destroy();
    this.finish(error);
  }

  /** Sends an ERROR command with the reason, then closes (RFC 37: validation failures). */
  refuse(error: ZmqError, reason = error.message): void {
    if (this.state === "closed") return;
    this.out.handshakeCommand(encodeErrorCommand(reason));
    this.out.flush();
    this.carrier.end();
    this.finish(error);
  }

  // ---- the wire, and the handshake ----

  /** A WebSocket carrier announces the mechanism its handshake agreed: ZWS. Others carry ZMTP. */
  private chooseWire(): Wire {
    const link: WireLink = {
      frame: (flags, body) => this.onFrame(flags, body),
      beginHandshake: (minor) => this.beginHandshake(minor),
      beginBareHandshake: () => this.handshaking(0),
      bareHandshakeDone: (routingId) => {
        this.peer = { ...this.peer!, identity: routingId };
        this.becomeReady();
      },
    };
    const zws = this.carrier.zwsMechanism;
    return zws === undefined
      ? new ZmtpWire(this.carrier.copyLimit, this.options, link)
      : new ZwsWire(zws, this.options, link);
  }

  /** The peer's greeting (or the WebSocket handshake) is in: the mechanism's turn. */
  private beginHandshake(minor: number): void {
    this.handshaking(minor);
    this.handshake = new Handshake(this.options, this.carrier.remoteAddress, this.handshakeLink());
    this.handshake.start();
  }

  private handshaking(minor: number): void {
    this.peer = { socketType: "", identity: EMPTY, minor, metadata: new Map() };
    this.state = "handshake";
  }

  private handshakeLink(): HandshakeLink {
    return {
      state: () => this.state,
      send: (bodies) => {
        for (const body of bodies) this.out.handshakeCommand(body);
        this.out.flush();
      },
      // A step that waits pauses reading with the owner's own switch: the owner pauses only for
      // messages, which come after the handshake.
      pauseReading: () => this.pauseReading(),
      resumeReading: () => this.resumeReading(),
      command: (command) => this.onCommand(command),
      complete: (metadata) => this.completeHandshake(metadata),
      refuse: (error, reason) => this.refuse(error, reason),
      fail: (error) => this.fail(error),
    };
  }

  private completeHandshake(metadata: Metadata): void {
    this.wire.handshakeDone();
    this.codec = this.handshake!.framing();
    this.out.codec = this.codec;
    const socketType = metadata.get("socket-type")?.toString("latin1") ?? "";
    this.peer = { ...this.peer!, socketType, identity: metadata.get("identity") ?? EMPTY, metadata };
    this.becomeReady();
  }

  private becomeReady(): void {
    this.state = "ready";
    this.startHeartbeats();
    this.owner.engineReady(this);
  }

  // ---- reading ----

  private onData(chunk: Buffer): void {
    if (this.state === "closed") return;
    this.heartbeats.received();
    this.out.peerSent();
    try {
      this.wire.read(chunk);
    } catch (e) {
      this.fail(asZmqError(e));
    }
  }

  private onTargetFilled(n: number): void {
    if (this.state === "closed") return;
    this.heartbeats.received();
    try {
      this.wire.targetFilled?.(n);
    } catch (e) {
      this.fail(asZmqError(e));
    }
  }

  private onFrame(flags: number, body: Buffer): void {
    const codec = this.codec;
    if (codec && this.state === "ready") {
      const later = codec.decodeLater?.(body);
      if (later !== undefined) {
        this.opening.push(later, body.length);
        this.updateReading();
      } else {
        this.opening.push(codec.decode(body), 0);
        if (this.opening.length > OPENING_ENTRIES) this.updateReading();
      }
      return;
    }
    if (flags & FLAG_COMMAND) {
      this.onCommand(decodeCommandBody(body));
      return;
    }
    if (this.state !== "ready") {
      throw new ProtocolError("EPROTO", "message frame before the handshake completed", "ERR_ZMTP_UNEXPECTED_COMMAND");
    }
    this.onMessageFrame((flags & FLAG_MORE) !== 0, body);
  }

  private onOpened(opened: OpenedFrame): void {
    if (this.state !== "ready") return;
    if (opened.command) this.onCommand(decodeCommandBody(opened.body));
    else this.onMessageFrame(opened.more, opened.body);
  }

  private onMessageFrame(more: boolean, body: Buffer): void {
    if (more) {
      this.frames.push(body);
      if (this.frames.length >= this.maxFrames) {
        throw new ProtocolError("EMSGSIZE", `a message of more than ${this.maxFrames} frames (maxMessageSize / 64)`);
      }
      return;
    }
    let frames: Buffer[];
    if (this.frames.length === 0) {
      frames = [body];
    } else {
      frames = this.frames;
      frames.push(body);
      this.frames = [];
    }
    this.owner.engineMessage(this, frames);
  }

  private onCommand(command: Command): void {
    if (this.state === "handshake") {
      this.handshake!.command(command);
      return;
    }
    switch (command.name) {
      case "PING":
        this.onPing(command.data);
        return;
      case "PONG":
        return; // any traffic counts as a sign of life; lastReceived is already updated
      // A DISH's JOIN and LEAVE (draft RADIO/DISH): exact names, passed up as subscriptions are.
      case "SUBSCRIBE":
      case "JOIN":
        this.owner.engineSubscription(this, true, command.data);
        return;
      case "CANCEL":
      case "LEAVE":
        this.owner.engineSubscription(this, false, command.data);
        return;
      case "ERROR":
        throw new ZmqError("EMECHANISM", `peer sent ERROR: ${decodeErrorReason(command.data)}`);
      default:
        return; // unknown commands are ignored, as libzmq does
    }
  }

  // ---- heartbeats ----

  private startHeartbeats(): void {
    const { heartbeatInterval, heartbeatTimeout, heartbeatTimeToLive } = this.options;
    if (heartbeatInterval <= 0 || !this.wire.pings(this.peer!.minor)) return;
    const timeout = heartbeatTimeout > 0 ? heartbeatTimeout : heartbeatInterval;
    this.heartbeats.start(heartbeatInterval, timeout, heartbeatTimeToLive);
  }

  private onPing(data: Buffer): void {
    const { ttl, context } = decodePing(data);
    this.sendCommand("PONG", Buffer.from(context));
    if (ttl > 0) this.heartbeats.peerAnnouncedTtl(ttl * 100);
  }

  // ---- ending ----

  /**
   * What the carrier's end means, as libzmq's engine reports it: ECONNRESET when broken; EPIPE
   * when ended before the handshake completed (not by us: closeGracefully); else no error.
   */
  private closedByPeer(error: Error | undefined): ZmqError | undefined {
    if (error) return new ZmqError("ECONNRESET", error.message, { cause: error });
    const handshaking = !this.ending && (this.state === "greeting" || this.state === "handshake");
    return handshaking ? new ZmqError("EPIPE", "the peer closed the connection during the handshake") : undefined;
  }

  private fail(error: ZmqError): void {
    if (this.state === "closed") return;
    this.wire.stop();
    this.carrier.destroy(error);
    this.finish(error);
  }

  private finish(error: ZmqError | undefined): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.wire.stop();
    this.opening.stop();
    this.out.stop();
    clearTimeout(this.handshakeTimer);
    this.heartbeats.stop();
    this.owner.engineClosed(this, error);
  }
}

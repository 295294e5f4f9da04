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
import { FrameDecoder } from "../codec/decoder.js";
import { encodeGreeting, GreetingReader } from "../codec/greeting.js";
import { decodeZwsFrame } from "../codec/zws-frame.js";
import { asZmqError, AuthError, ProtocolError, ZmqError } from "../errors.js";
import type { FrameCodec, HandshakeStep, Mechanism, MechanismFactory, OpenedFrame } from "../mechanism/mechanism.js";
import type { ZapClient } from "../mechanism/zap.js";
import type { Carrier } from "../transport/carrier.js";
import { metadataRefusal } from "./peer-metadata.js";
import { sendsIdentity, type SocketTypeName } from "./socket-types.js";
import type { Connection, ConnectionOwner, PeerInfo } from "./connection.js";
import { Heartbeats } from "./heartbeats.js";
import { InOrder } from "./in-order.js";
import { Outgoing } from "./outgoing.js";
import { unref } from "../util/timers.js";

export interface EngineOptions {
  socketType: SocketTypeName;
  routingId: Uint8Array | undefined;
  mechanism: MechanismFactory;
  /** For server-side mechanisms: the ZAP client and this socket's domain. */
  zap?: ZapClient;
  zapDomain?: string;
  zapEnforceDomain?: boolean;
  /** True for connections accepted by a bound socket. */
  bound: boolean;
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
/** Largest frame read before the handshake is done (greeting, HELLO, INITIATE, READY...). */
const HANDSHAKE_FRAME_LIMIT = 64 * 1024;

/**
 * One ZMTP connection over one carrier: greeting, security handshake, framing and heartbeats.
 * It knows nothing about routing: complete messages go to its owner.
 */
export class Engine implements Connection {
  state: State = "greeting";
  peer: PeerInfo | undefined;
  private readonly out: Outgoing;
  /** CURVE's MESSAGE boxes, once the handshake is done. */
  private codec: FrameCodec | undefined;
  /** ZWS 2.0 (a WebSocket carrier): no greeting, one frame per chunk. */
  private readonly zws: boolean;
  /** Bare ZWS2.0: the peer's first message, its routing id, has not come yet. */
  private awaitingRoutingId = false;
  private readonly decoder: FrameDecoder;
  private readonly greetingReader = new GreetingReader();
  private mechanism: Mechanism | undefined;
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
  /** Handshake commands read while a step waits (afterZap), handled once it is done. */
  private heldCommands: Command[] | undefined;
  /** The owner paused reading (its receive high-water mark). */
  private ownerPaused = false;
  /** Reading is paused, for the owner or for `opening`. */
  private readingPaused = false;

  constructor(
    readonly carrier: Carrier,
    private readonly options: EngineOptions,
    private readonly owner: ConnectionOwner,
  ) {
    this.decoder = new FrameDecoder((flags, body) => this.onFrame(flags, body));
    // Until the handshake is done, only commands may come, and none needs more than 64 KiB
    // (a CURVE INITIATE's metadata would otherwise be opened at any size before we know the peer).
    this.decoder.maxFrameSize = HANDSHAKE_FRAME_LIMIT;
    // maxMessageSize bounds each frame (as libzmq); empty frames cost a view each, so with a
    // limit set, a message's frames are bounded too: as many as 64-octet frames would fill it.
    this.maxFrames = options.maxMessageSize >= 0 ? Math.max(1024, Math.floor(options.maxMessageSize / 64)) : Infinity;
    this.zws = carrier.zwsMechanism !== undefined;
    this.out = new Outgoing(
      carrier,
      this.zws,
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
      readTarget: () => (this.state === "ready" ? this.decoder.directTarget() : undefined),
      readSize: () => (this.state === "ready" ? this.decoder.preferredReadSize() : undefined),
      targetFilled: (n) => this.onTargetFilled(n),
      drain: () => this.out.drained(),
      close: (error) => this.finish(error ? new ZmqError("ECONNRESET", error.message, { cause: error }) : undefined),
    });
    if (this.zws) {
      this.startZws(this.carrier.zwsMechanism!);
    } else {
      const { mechanism, bound } = this.options;
      this.out.raw(encodeGreeting(mechanism.name, mechanism.asServer(bound)));
      this.out.flush();
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

  // ---- reading ----

  private onData(chunk: Buffer): void {
    if (this.state === "closed") return;
    this.heartbeats.received();
    this.out.peerSent();
    try {
      if (this.zws) {
        this.onZwsFrame(chunk);
        return;
      }
      if (this.state === "greeting") {
        chunk = this.readGreeting(chunk);
        if (chunk.length === 0 || this.state === "greeting") return;
      }
      this.decoder.push(chunk);
    } catch (e) {
      this.fail(asZmqError(e));
    }
  }

  private onTargetFilled(n: number): void {
    if (this.state === "closed") return;
    this.heartbeats.received();
    try {
      this.decoder.filled(n);
    } catch (e) {
      this.fail(asZmqError(e));
    }
  }

  /** Consumes greeting octets; returns what follows the greeting in this chunk. */
  private readGreeting(chunk: Buffer): Buffer {
    const read = this.greetingReader.read(chunk);
    if (!read) return EMPTY;
    const { greeting, rest } = read;
    if (greeting.mechanism !== this.options.mechanism.name) {
      throw new ZmqError(
        "EMECHANISM",
        `security mechanism mismatch: we use ${this.options.mechanism.name}, the peer ${greeting.mechanism || "(none)"}`,
        { zmtp: "ERR_ZMTP_MECHANISM_MISMATCH" },
      );
    }
    this.beginHandshake(greeting.major > 3 ? 1 : greeting.minor);
    return rest;
  }

  /** After the greeting (or the WebSocket handshake): the security mechanism's turn. */
  private beginHandshake(minor: number): void {
    this.peer = { socketType: "", identity: EMPTY, minor, metadata: new Map() };
    this.state = "handshake";
    this.mechanism = this.options.mechanism.create({
      metadata: this.ourMetadata(),
      asServer: this.options.mechanism.asServer(this.options.bound),
      zap: this.options.zap,
      zapDomain: this.options.zapDomain ?? "",
      zapEnforceDomain: this.options.zapEnforceDomain ?? false,
      peerAddress: peerIp(this.carrier.remoteAddress),
      routingId: this.options.routingId,
    });
    const first = this.mechanism.start();
    if (first instanceof Promise) this.afterZap(first, (bodies) => this.sendHandshake(bodies));
    else this.sendHandshake(first);
  }

  /**
   * ZWS 2.0: the WebSocket handshake agreed the mechanism. Peers send subscriptions as messages
   * there (RFC 45), as ZMTP 3.0 peers do, hence minor 0. Bare ZWS2.0 has no handshake: each side
   * sends its routing id as its first message.
   */
  private startZws(mechanism: string): void {
    if (mechanism === "") {
      this.peer = { socketType: "", identity: EMPTY, minor: 0, metadata: new Map() };
      this.state = "handshake";
      this.awaitingRoutingId = true;
      this.out.message([this.options.routingId ?? EMPTY]);
      this.out.flush();
      return;
    }
    if (mechanism !== this.options.mechanism.name) {
      this.fail(
        new ZmqError(
          "EMECHANISM",
          `security mechanism mismatch: we use ${this.options.mechanism.name}, the peer ${mechanism}`,
          { zmtp: "ERR_ZMTP_MECHANISM_MISMATCH" },
        ),
      );
      return;
    }
    this.beginHandshake(0);
  }

  /** One WebSocket message: a flags octet, then the frame's body. */
  private onZwsFrame(message: Buffer): void {
    const limit = this.state === "ready" ? this.options.maxMessageSize : HANDSHAKE_FRAME_LIMIT;
    const { flags, body } = decodeZwsFrame(message, limit);
    if (this.awaitingRoutingId && !(flags & FLAG_COMMAND)) {
      this.awaitingRoutingId = false;
      if (flags & FLAG_MORE) throw new ProtocolError("EPROTO", "ZWS routing id in more than one frame");
      if (body.length > 255)
        throw new ProtocolError("EPROTO", `a ZWS routing id of ${body.length} octets (at most 255)`);
      this.peer = { ...this.peer!, identity: body };
      this.state = "ready";
      this.startHeartbeats();
      this.owner.engineReady(this);
      return;
    }
    this.onFrame(flags, body);
  }

  private sendHandshake(bodies: Buffer[]): void {
    for (const body of bodies) this.out.handshakeCommand(body);
    this.out.flush();
  }

  /**
   * A handshake step that waits (for the ZAP handler, or for CURVE's boxes to load): nothing
   * else is read meanwhile, and commands already read (a peer's HELLO in the chunk that ended its
   * greeting) wait for it too.
   */
  private afterZap<T>(pending: Promise<T>, then: (value: T) => void): void {
    this.pauseReading();
    this.heldCommands ??= [];
    pending.then(
      (value) => {
        if (this.state !== "handshake") return;
        const held = this.heldCommands ?? [];
        this.heldCommands = undefined;
        this.resumeReading();
        try {
          then(value);
          this.replayHeld(held);
        } catch (e) {
          this.fail(asZmqError(e));
        }
      },
      (e: unknown) => {
        // Refused by the ZAP handler: the peer learns the status code (RFC 27).
        if (e instanceof AuthError) this.refuse(e, String(e.status));
        else this.fail(asZmqError(e));
      },
    );
  }

  /** Commands held during a step, in order; those after a step that waits again are held again. */
  private replayHeld(held: Command[]): void {
    for (let i = 0; i < held.length; i++) {
      if (this.state === "closed") return;
      const waiting = this.heldCommands as Command[] | undefined;
      if (waiting) {
        waiting.push(...held.slice(i));
        return;
      }
      this.onCommand(held[i]!);
    }
  }

  private ourMetadata(): Array<[string, Uint8Array | string]> {
    const props: Array<[string, Uint8Array | string]> = [["Socket-Type", this.options.socketType]];
    if (sendsIdentity(this.options.socketType)) {
      props.push(["Identity", this.options.routingId ?? EMPTY]);
    }
    return props;
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
      if (this.heldCommands) {
        this.heldCommands.push(command);
        return;
      }
      const step = this.mechanism!.handle(command);
      if (step instanceof Promise) this.afterZap(step, (s) => this.applyStep(s));
      else this.applyStep(step);
      return;
    }
    switch (command.name) {
      case "PING":
        this.onPing(command.data);
        return;
      case "PONG":
        return; // any traffic counts as a sign of life; lastReceived is already updated
      case "SUBSCRIBE":
        this.owner.engineSubscription(this, true, command.data);
        return;
      case "CANCEL":
        this.owner.engineSubscription(this, false, command.data);
        return;
      // A DISH's groups (draft RADIO/DISH): exact names, passed up as subscriptions are.
      case "JOIN":
        this.owner.engineSubscription(this, true, command.data);
        return;
      case "LEAVE":
        this.owner.engineSubscription(this, false, command.data);
        return;
      case "ERROR":
        throw new ZmqError("EMECHANISM", `peer sent ERROR: ${decodeErrorReason(command.data)}`);
      default:
        return; // unknown commands are ignored, as libzmq does
    }
  }

  private applyStep(step: HandshakeStep): void {
    // The peer's metadata is judged before our answer goes (a PLAIN or CURVE server's READY):
    // a peer refused gets the ERROR alone, as from libzmq.
    const refusal = step.peerMetadata && metadataRefusal(this.options.socketType, step.peerMetadata);
    if (refusal) {
      this.refuse(refusal);
      return;
    }
    for (const body of step.send) this.out.handshakeCommand(body);
    if (step.send.length) this.out.flush();
    if (step.peerMetadata) this.completeHandshake(step.peerMetadata);
  }

  private completeHandshake(metadata: Metadata): void {
    this.decoder.maxFrameSize = this.options.maxMessageSize;
    this.codec = this.mechanism?.framing?.();
    this.out.codec = this.codec;
    const socketType = metadata.get("socket-type")?.toString("latin1") ?? "";
    this.peer = { ...this.peer!, socketType, identity: metadata.get("identity") ?? EMPTY, metadata };
    this.state = "ready";
    this.startHeartbeats();
    this.owner.engineReady(this);
  }

  /** Sends an ERROR command with the reason, then closes (RFC 37: validation failures). */
  refuse(error: ZmqError, reason = error.message): void {
    if (this.state === "closed") return;
    this.out.handshakeCommand(encodeErrorCommand(reason));
    this.out.flush();
    this.carrier.end();
    this.finish(error);
  }

  // ---- heartbeats ----

  private startHeartbeats(): void {
    const { heartbeatInterval, heartbeatTimeout, heartbeatTimeToLive } = this.options;
    // ZMTP 3.0 has no PING: such peers are not pinged (their own PINGs are still answered).
    // ZWS peers are (minor 0 there stands for subscriptions as messages).
    if (heartbeatInterval <= 0 || (this.peer!.minor < 1 && !this.zws)) return;
    const timeout = heartbeatTimeout > 0 ? heartbeatTimeout : heartbeatInterval;
    this.heartbeats.start(heartbeatInterval, timeout, heartbeatTimeToLive);
  }

  private onPing(data: Buffer): void {
    const { ttl, context } = decodePing(data);
    this.sendCommand("PONG", Buffer.from(context));
    if (ttl > 0) this.heartbeats.peerAnnouncedTtl(ttl * 100);
  }

  // ---- ending ----

  private fail(error: ZmqError): void {
    if (this.state === "closed") return;
    this.decoder.stop();
    this.carrier.destroy(error);
    this.finish(error);
  }

  private finish(error: ZmqError | undefined): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.decoder.stop();
    this.opening.stop();
    this.out.stop();
    clearTimeout(this.handshakeTimer);
    this.heartbeats.stop();
    this.owner.engineClosed(this, error);
  }
}

/** The IP address of a `tcp://host:port` peer, as ZAP wants it; "" for other transports. */
function peerIp(remoteAddress: string): string {
  const m = /^(?:tcp|wss?):\/\/\[?([^\]]*?)\]?:\d+$/.exec(remoteAddress);
  return m ? m[1]! : "";
}

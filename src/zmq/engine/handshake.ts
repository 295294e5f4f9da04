import { Buffer } from "node:buffer";
import type { Command, Metadata } from "../codec/command.js";
import { asZmqError, AuthError, type ZmqError } from "../errors.js";
import type { FrameCodec, HandshakeStep, Mechanism, MechanismFactory } from "../mechanism/mechanism.js";
import type { ZapClient } from "../mechanism/zap.js";
import type { Connection } from "./connection.js";
import { metadataRefusal } from "./peer-metadata.js";
import { sendsIdentity, type SocketTypeName } from "./socket-types.js";

const EMPTY = Buffer.alloc(0);

/** What the handshake needs of the socket's options (engine.ts's EngineOptions extends it). */
export interface HandshakeOptions {
  socketType: SocketTypeName;
  routingId: Uint8Array | undefined;
  mechanism: MechanismFactory;
  /** For server-side mechanisms: the ZAP client and this socket's domain. */
  zap?: ZapClient;
  zapDomain?: string;
  zapEnforceDomain?: boolean;
  /** True for connections accepted by a bound socket. */
  bound: boolean;
}

/** What the handshake needs of its connection (engine.ts). */
export interface HandshakeLink {
  /** The connection's state now: a step that finishes late finds it ready or closed. */
  state(): Connection["state"];
  /** Writes handshake commands now (never sealed: they come before the mechanism's codec). */
  send(bodies: readonly Buffer[]): void;
  /** Stops reading while a step waits. */
  pauseReading(): void;
  /** Reads again once it is done. */
  resumeReading(): void;
  /** A command held while a step waited, handled as the connection handles any command. */
  command(command: Command): void;
  /** The peer's metadata has come and been accepted: the connection is ready. */
  complete(metadata: Metadata): void;
  /** Refuses the peer with an ERROR command (`reason`, or the error's message), then closes. */
  refuse(error: ZmqError, reason?: string): void;
  /** Closes on an error. */
  fail(error: ZmqError): void;
}

/**
 * The security handshake of one connection: the mechanism's steps, from its first commands to
 * the peer's metadata. A step may wait (for the ZAP handler's answer, or for CURVE's boxes to
 * load): see awaitStep.
 */
export class Handshake {
  private readonly mechanism: Mechanism;
  /** Commands read while a step waits, handled in order once it is done; undefined otherwise. */
  private held: Command[] | undefined;

  constructor(
    private readonly options: HandshakeOptions,
    remoteAddress: string,
    private readonly link: HandshakeLink,
  ) {
    this.mechanism = options.mechanism.create({
      metadata: this.ourMetadata(),
      asServer: options.mechanism.asServer(options.bound),
      zap: options.zap,
      zapDomain: options.zapDomain ?? "",
      zapEnforceDomain: options.zapEnforceDomain ?? false,
      peerAddress: peerIp(remoteAddress),
      routingId: options.routingId,
    });
  }

  /** Sends the mechanism's first commands (perhaps none: a CURVE server waits for HELLO). */
  start(): void {
    const first = this.mechanism.start();
    if (first instanceof Promise) this.awaitStep(first, (bodies) => this.link.send(bodies));
    else this.link.send(first);
  }

  /** One of the peer's commands, during the handshake. */
  command(command: Command): void {
    if (this.held) {
      this.held.push(command);
      return;
    }
    const step = this.mechanism.handle(command);
    if (step instanceof Promise) this.awaitStep(step, (s) => this.apply(s));
    else this.apply(step);
  }

  /** Once the handshake is done: how frames are wrapped (CURVE's MESSAGE boxes), if at all. */
  framing(): FrameCodec | undefined {
    return this.mechanism.framing?.();
  }

  /**
   * A handshake step that waits: NULL's or PLAIN's or CURVE's for the ZAP handler's answer, or
   * CURVE's first for its boxes (libsodium) to load. Nothing else is read meanwhile, and
   * commands already read (a peer's HELLO in the chunk that ended its greeting) are held until
   * it is done, so that the mechanism sees them in order, after the step.
   */
  private awaitStep<T>(pending: Promise<T>, then: (value: T) => void): void {
    this.link.pauseReading();
    this.held ??= [];
    pending.then(
      (value) => {
        if (this.link.state() !== "handshake") return;
        const held = this.held ?? [];
        this.held = undefined;
        this.link.resumeReading();
        try {
          then(value);
          this.replay(held);
        } catch (e) {
          this.link.fail(asZmqError(e));
        }
      },
      (e: unknown) => {
        // Refused by the ZAP handler: the peer learns the status code (RFC 27). Anything else
        // (no ZAP handler where one is required, CURVE's boxes that did not load) just fails.
        if (e instanceof AuthError) this.link.refuse(e, String(e.status));
        else this.link.fail(asZmqError(e));
      },
    );
  }

  /** Commands held during a step, in order; those after a step that waits again are held again. */
  private replay(held: Command[]): void {
    for (let i = 0; i < held.length; i++) {
      if (this.link.state() === "closed") return;
      const waiting = this.held as Command[] | undefined;
      if (waiting) {
        waiting.push(...held.slice(i));
        return;
      }
      this.link.command(held[i]!);
    }
  }

  private apply(step: HandshakeStep): void {
    // The peer's metadata is judged before our answer goes (a PLAIN or CURVE server's READY):
    // a peer refused gets the ERROR alone, as from libzmq.
    const refusal = step.peerMetadata && metadataRefusal(this.options.socketType, step.peerMetadata);
    if (refusal) {
      this.link.refuse(refusal);
      return;
    }
    if (step.send.length) this.link.send(step.send);
    if (step.peerMetadata) this.link.complete(step.peerMetadata);
  }

  private ourMetadata(): Array<[string, Uint8Array | string]> {
    const props: Array<[string, Uint8Array | string]> = [["Socket-Type", this.options.socketType]];
    if (sendsIdentity(this.options.socketType)) {
      props.push(["Identity", this.options.routingId ?? EMPTY]);
    }
    return props;
  }
}

/** The IP address of a `tcp://host:port` peer, as ZAP wants it; "" for other transports. */
function peerIp(remoteAddress: string): string {
  const m = /^(?:tcp|wss?):\/\/\[?([^\]]*?)\]?:\d+$/.exec(remoteAddress);
  return m ? m[1]! : "";
}

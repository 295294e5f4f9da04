import { Buffer } from "node:buffer";
import { FLAG_COMMAND, FLAG_MORE } from "../codec/constants.js";
import { decodeZwsFrame } from "../codec/zws-frame.js";
import { ProtocolError } from "../errors.js";
import type { MechanismFactory } from "../mechanism/mechanism.js";
import type { Outgoing } from "./outgoing.js";
import { HANDSHAKE_FRAME_LIMIT, mechanismMismatch, type Wire, type WireLink } from "./wire.js";
import { ZwsBatch } from "./zws-batch.js";

const EMPTY = Buffer.alloc(0);
/** A routing id is at most this long (ZMTP's Identity property, and so bare ZWS2.0's first message). */
const MAX_ROUTING_ID = 255;

/** What the ZWS wire needs of the socket's options. */
export interface ZwsWireOptions {
  mechanism: MechanismFactory;
  routingId: Uint8Array | undefined;
  maxMessageSize: number;
}

/**
 * ZWS 2.0 (RFC 45) over a WebSocket: each message is one whole frame, a flags octet then the
 * body. There is no greeting: the WebSocket handshake agreed the mechanism (its protocol name).
 * Bare ZWS2.0 has none at all: each side's first message is its routing id.
 */
export class ZwsWire implements Wire {
  readonly batch = new ZwsBatch();
  /** Bare ZWS2.0: the peer's first message, its routing id, has not come yet. */
  private awaitingRoutingId = false;
  /** The largest frame taken now: small until the handshake is done. */
  private frameLimit = HANDSHAKE_FRAME_LIMIT;

  constructor(
    /** The mechanism the WebSocket handshake agreed; "" for bare ZWS2.0. */
    private readonly agreed: string,
    private readonly options: ZwsWireOptions,
    private readonly link: WireLink,
  ) {}

  start(out: Outgoing): void {
    if (this.agreed === "") {
      this.startBare(out);
      return;
    }
    const ours = this.options.mechanism.name;
    if (this.agreed !== ours) throw mechanismMismatch(ours, this.agreed);
    // Peers send subscriptions as messages here (RFC 45), as ZMTP 3.0 peers do: hence minor 0.
    this.link.beginHandshake(0);
  }

  read(message: Buffer): void {
    const { flags, body } = decodeZwsFrame(message, this.frameLimit);
    if (this.awaitingRoutingId) this.takeRoutingId(flags, body);
    else this.link.frame(flags, body);
  }

  handshakeDone(): void {
    this.frameLimit = this.options.maxMessageSize;
  }

  /** ZWS peers are pinged: minor 0 stands for subscriptions as messages here, not for ZMTP 3.0. */
  pings(): boolean {
    return true;
  }

  stop(): void {
    // Each message is decoded whole as it comes: nothing is held between two reads.
  }

  private startBare(out: Outgoing): void {
    this.awaitingRoutingId = true;
    this.link.beginBareHandshake();
    out.message([this.options.routingId ?? EMPTY]);
    out.flush();
  }

  /** Bare ZWS2.0's first message: the peer's routing id, one frame of at most 255 octets. */
  private takeRoutingId(flags: number, body: Buffer): void {
    // Bare ZWS2.0 has no commands before it: there is no mechanism to take them.
    if (flags & FLAG_COMMAND) throw new ProtocolError("EPROTO", "a ZWS command before the peer's routing id");
    this.awaitingRoutingId = false;
    if (flags & FLAG_MORE) throw new ProtocolError("EPROTO", "ZWS routing id in more than one frame");
    if (body.length > MAX_ROUTING_ID) {
      throw new ProtocolError("EPROTO", `a ZWS routing id of ${body.length} octets (at most ${MAX_ROUTING_ID})`);
    }
    this.handshakeDone();
    this.link.bareHandshakeDone(body);
  }
}

import { Buffer } from "node:buffer";
import type { DatagramCarrier } from "../transport/carrier.js";
import { BareConnection } from "./bare-connection.js";
import type { ConnectionOwner } from "./connection.js";

/**
 * A udp:// link, as libzmq's udp_engine: no greeting, no handshake, no commands; ready at once.
 * RADIO/DISH datagrams are one octet of group length, the group, then the body, and reach the
 * socket as [group, body]; DGRAM's are bare bodies, received as ["ip:port\0" of the sender, body]
 * and sent to the "ip:port" (with or without the zero) of a message's first frame.
 */
export class UdpConnection extends BareConnection<DatagramCarrier> {
  constructor(
    carrier: DatagramCarrier,
    owner: ConnectionOwner,
    /** DGRAM: addresses instead of groups. */
    private readonly raw: boolean,
  ) {
    super(carrier, owner);
  }

  protected received(datagram: Buffer): void {
    if (this.raw) {
      const from = this.carrier.source;
      if (!from) return;
      // With its C string's terminating zero, as libzmq writes the address frame.
      this.owner.engineMessage(this, [Buffer.from(`${from.host}:${from.port}\0`, "latin1"), datagram]);
      return;
    }
    const length = datagram[0];
    // A datagram shorter than the group it announces is ignored, as libzmq does.
    if (length === undefined || datagram.length < 1 + length) return;
    this.owner.engineMessage(this, [datagram.subarray(1, 1 + length), datagram.subarray(1 + length)]);
  }

  sendMessage(frames: readonly Uint8Array[]): void {
    if (this.state === "closed" || frames.length !== 2) return;
    const [head, body] = frames as [Uint8Array, Uint8Array];
    if (this.raw) {
      // As libzmq: a message to an address that does not parse is dropped.
      const to = parseDatagramAddress(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("latin1"));
      if (to) this.carrier.send(body, to);
      return;
    }
    if (head.length > 255) return;
    const datagram = Buffer.allocUnsafe(1 + head.length + body.length);
    datagram[0] = head.length;
    datagram.set(head, 1);
    datagram.set(body, 1 + head.length);
    this.carrier.send(datagram);
  }

  // No commands over UDP (the base's sendCommand does nothing): a DISH filters by itself what a
  // RADIO sends.
}

/**
 * "a.b.c.d:port" (DGRAM's address frame; IPv4, as libzmq's resolve_raw_address). Octets past 255
 * make no address (inet_addr refuses them): such a host would be looked up as a name instead.
 */
function parseDatagramAddress(text: string): { host: string; port: number } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\0?$/.exec(text);
  if (!m || m[1]!.split(".").some((octet) => Number(octet) > 255)) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

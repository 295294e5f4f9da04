import type { Buffer } from "node:buffer";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { isIP } from "node:net";
import { ZmqError } from "../errors.js";
import type { Carrier, CarrierHandlers, DatagramCarrier, DatagramPeer, Listener, Transport } from "./carrier.js";
import { parseTcpAddress } from "./endpoint.js";

/** libzmq's largest UDP message (MAX_UDP_MSG): a datagram beyond it is not sent. */
export const MAX_DATAGRAM = 8192;

class UdpCarrier implements DatagramCarrier {
  readonly datagram = true as const;
  source: DatagramPeer | undefined;
  private handlers: CarrierHandlers | undefined;
  private closed = false;
  private paused = false;

  constructor(
    private readonly socket: UdpSocket,
    readonly remoteAddress: string,
    private readonly target: DatagramPeer | undefined,
  ) {
    socket.on("message", (message: Buffer, info: { address: string; port: number }) => {
      // Paused: the socket's queue is full; as libzmq, what cannot be queued is dropped.
      if (this.paused || !this.handlers) return;
      this.source = { host: info.address, port: info.port };
      this.handlers.data(message);
      this.source = undefined;
    });
    socket.on("error", () => {}); // a send that fails (no route) loses a datagram, as with libzmq
    socket.unref();
  }

  start(handlers: CarrierHandlers): void {
    this.handlers = handlers;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    for (const chunk of chunks) this.send(chunk);
    return true;
  }

  send(datagram: Uint8Array, to = this.target): void {
    if (this.closed || !to || datagram.length > MAX_DATAGRAM) return;
    this.socket.send(datagram, to.port, to.host);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  end(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    const h = this.handlers;
    if (h) queueMicrotask(() => h.close());
  }
}

function familyOf(host: string): "udp4" | "udp6" {
  return isIP(host) === 6 ? "udp6" : "udp4";
}

/** `host:port` (`*` for every interface to bind); multicast groups are not supported here. */
function parseUdpAddress(address: string, forBind: boolean): DatagramPeer {
  if (address.includes(";")) {
    throw new ZmqError("EINVAL", `udp://${address}: multicast interfaces are not supported`);
  }
  const { host, port } = parseTcpAddress(address, forBind);
  return { host: host === "*" ? "0.0.0.0" : host, port };
}

function bound(socket: UdpSocket, peer: DatagramPeer): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const code = error.code === "EADDRINUSE" ? "EADDRINUSE" : "EADDRNOTAVAIL";
      reject(new ZmqError(code, `udp://${peer.host}:${peer.port}: ${error.message}`, { cause: error }));
    };
    socket.once("error", onError);
    socket.bind(peer.port, peer.host, () => {
      socket.off("error", onError);
      resolve(socket.address().port);
    });
  });
}

/**
 * UDP as libzmq's draft udp:// (RADIO, DISH, DGRAM): a bind receives every datagram sent to its
 * port; a connect sends to one address (and receives the answers to its own port). No
 * connection: the carrier is there at once, and stays until the socket lets it go.
 */
export const udpTransport: Transport = {
  async listen(address, accept): Promise<Listener> {
    const peer = parseUdpAddress(address, true);
    const socket = createSocket({ type: familyOf(peer.host), reuseAddr: false });
    const port = await bound(socket, peer);
    const endpoint = `udp://${address.slice(0, address.lastIndexOf(":"))}:${port}`;
    const carrier = new UdpCarrier(socket, endpoint, undefined);
    accept(carrier);
    return {
      endpoint,
      close: async () => carrier.destroy(),
    };
  },

  async connect(address): Promise<Carrier> {
    const peer = parseUdpAddress(address, false);
    const socket = createSocket({ type: familyOf(peer.host) });
    await bound(socket, { host: familyOf(peer.host) === "udp6" ? "::" : "0.0.0.0", port: 0 });
    return new UdpCarrier(socket, `udp://${address}`, peer);
  },
};

import type * as net from "node:net";
import { ZmqError } from "../errors.js";
import type { Carrier, Listener, Transport } from "./carrier.js";
import { formatTcpEndpoint, parseTcpAddress } from "./endpoint.js";
import { connectNet, listenNet, NetCarrier, type ReadBuffers } from "./node-stream.js";

function wrap(socket: net.Socket, reader?: ReadBuffers): Carrier {
  socket.setNoDelay(true);
  const host = socket.remoteAddress ?? "?";
  return new NetCarrier(socket, formatTcpEndpoint(host, socket.remotePort ?? 0), reader);
}

export function toZmqError(e: unknown, what: string): ZmqError {
  const code = (e as { code?: string }).code;
  if (code === "EADDRINUSE") return new ZmqError("EADDRINUSE", `${what}: address in use`, { cause: e });
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EACCES") {
    return new ZmqError("EINVAL", `${what}: ${(e as Error).message}`, { cause: e });
  }
  return new ZmqError("ECONNRESET", `${what}: ${(e as Error).message}`, { cause: e });
}

export const tcpTransport: Transport = {
  async listen(address, accept, options = {}): Promise<Listener> {
    const { host, port } = parseTcpAddress(address, true);
    const server = await listenNet(
      // "*" binds every interface; Node picks the dual-stack wildcard for an undefined host.
      { host: host === "*" ? undefined : host, port },
      wrap,
      accept,
      (e) => toZmqError(e, `bind tcp://${address}`),
      options.maxConnections,
    );
    const bound = server.address as net.AddressInfo;
    const shownHost = host === "*" ? "0.0.0.0" : bound.address;
    return { endpoint: formatTcpEndpoint(shownHost, bound.port), close: server.close };
  },

  connect(address, settings): Promise<Carrier> {
    const { host, port } = parseTcpAddress(address, false);
    return connectNet(
      { host, port },
      (s) => formatTcpEndpoint(s.remoteAddress ?? host, s.remotePort ?? port),
      (e) => toZmqError(e, `connect tcp://${address}`),
      (s) => s.setNoDelay(true),
      settings,
    );
  },
};

import type { Transport } from "./carrier.js";
import type { Scheme } from "./endpoint.js";
import { inprocTransport } from "./inproc.js";
import { ipcTransport } from "./ipc.js";
import { tcpTransport } from "./tcp.js";
import { udpTransport } from "./udp.js";
import { wssTransport, wsTransport } from "./ws/ws.js";

export type { Carrier, CarrierHandlers, Listener, Transport } from "./carrier.js";
export { parseEndpoint } from "./endpoint.js";

const transports: Record<Scheme, Transport> = {
  tcp: tcpTransport,
  ipc: ipcTransport,
  inproc: inprocTransport,
  ws: wsTransport,
  wss: wssTransport,
  udp: udpTransport,
};

export function transportFor(scheme: Scheme): Transport {
  return transports[scheme];
}

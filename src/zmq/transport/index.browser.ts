import { ZmqError } from "../errors.js";
import type { Transport } from "./carrier.js";
import type { Scheme } from "./endpoint.js";
import { inprocTransport } from "./inproc.js";
import { browserWsTransport } from "./ws/ws-browser.js";

export type { Carrier, CarrierHandlers, Listener, Transport } from "./carrier.js";
export { parseEndpoint } from "./endpoint.js";

/** The transports of the browser build (in place of index.ts): no sockets but WebSockets. */
function unavailable(scheme: string): Transport {
  const refuse = async () => {
    throw new ZmqError("EPROTONOSUPPORT", `${scheme}:// is not available in a web page: use ws:// or wss://`);
  };
  return { listen: refuse, connect: refuse };
}

const transports: Record<Scheme, Transport> = {
  tcp: unavailable("tcp"),
  ipc: unavailable("ipc"),
  inproc: inprocTransport,
  ws: browserWsTransport("ws"),
  wss: browserWsTransport("wss"),
  udp: unavailable("udp"),
};

export function transportFor(scheme: Scheme): Transport {
  return transports[scheme];
}

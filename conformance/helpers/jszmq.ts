/**
 * jszmq (npm), a pure-JavaScript ZeroMQ that speaks only ZWS 2.0, driven as a PeerSocket. It
 * binds on an HTTP server of ours, so that the OS chooses the port.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as jszmq from "jszmq";
import { normalise, type PeerKind, type PeerSocket, type Received, repeatSends, toBytes } from "./peers.js";

const CLASSES: Record<string, new () => JsSocket> = {
  REQ: jszmq.Req,
  REP: jszmq.Rep,
  DEALER: jszmq.Dealer,
  ROUTER: jszmq.Router,
  PUB: jszmq.Pub,
  SUB: jszmq.Sub,
  XPUB: jszmq.XPub,
  XSUB: jszmq.XSub,
  PUSH: jszmq.Push,
  PULL: jszmq.Pull,
  PAIR: jszmq.Pair,
} as unknown as Record<string, new () => JsSocket>;

interface JsSocket {
  options: { routingId: string; reconnectInterval: number };
  bind(address: string, server?: http.Server): void;
  connect(address: string): void;
  send(frames: Buffer[]): void;
  subscribe(topic: string): void;
  on(event: "message", listener: (...frames: Buffer[]) => void): void;
  close(): void;
}

function jszmqPeer(type: string, routingId?: string): PeerSocket {
  const s = new CLASSES[type]!();
  if (routingId) s.options.routingId = routingId;
  const queue: Received[][] = [];
  const waiters: Array<() => void> = [];
  s.on("message", (...frames) => {
    queue.push(frames.map(normalise));
    for (const w of waiters.splice(0)) w();
  });
  const servers: http.Server[] = [];
  return {
    async bind(endpoint) {
      const { hostname, pathname } = new URL(endpoint);
      const server = http.createServer();
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, hostname, resolve));
      const bound = `ws://${hostname}:${(server.address() as AddressInfo).port}${pathname}`;
      s.bind(bound, server);
      return bound;
    },
    async connect(endpoint) {
      s.connect(endpoint);
    },
    async send(frames) {
      s.send(frames.map(toBytes));
    },
    async receive(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`jszmq ${type}: nothing received within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return queue.shift()!;
    },
    async subscribe(topic) {
      s.subscribe(topic);
    },
    sendRepeatedly(messages) {
      return repeatSends(messages, async (frames) => s.send(frames.map(toBytes)));
    },
    async close() {
      s.close();
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}

export const jszmqKind: PeerKind = {
  name: "jszmq (ZWS 2.0)",
  async create(type, options = {}) {
    return jszmqPeer(type, options.routingId);
  },
};

import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { Dealer, Publisher, Router, Subscriber } from "../src/zmq/index.js";
import type { Pipe } from "../src/zmq/socket/pipe.js";
import { settle } from "../conformance/helpers/wait.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { bound, text, track } from "./helpers/sockets.js";

/** Resolves once `read()` has stayed the same for `quietMs` (an absence check: nothing more comes). */
async function settled(read: () => number, quietMs = 300): Promise<number> {
  let last = read();
  for (;;) {
    await settle(quietMs);
    const now = read();
    if (now === last) return now;
    last = now;
  }
}

/** The socket's pipes (one per peer), to read what each holds. */
function pipesOf(socket: Router | Publisher): Pipe[] {
  return [...(socket as unknown as { pipes: Iterable<Pipe> }).pipes];
}

/** A DEALER peer that has done its handshake and then stops reading its socket. */
async function deafDealer(endpoint: string): Promise<RawPeer> {
  const peer = await RawPeer.connect(endpoint);
  peer.handshake("DEALER");
  await peer.until(() => peer.commandNames().includes("READY"));
  peer.socket.pause();
  return peer;
}

describe("sendHighWaterBytes: a peer that does not read is not read either", () => {
  it("a ROUTER stops reading a peer whose replies wait, holds at most the limit for it, and serves the others", async () => {
    const limit = 1 << 20;
    const router = await bound(new Router({ sendHighWaterBytes: limit }));
    const reply = Buffer.alloc(64 * 1024, 7);
    let received = 0;
    void (async () => {
      for await (const [id, ...request] of router) {
        received++;
        await router.send([id!, ...request, reply]);
      }
    })();
    const deaf = await deafDealer(router.lastEndpoint!);
    const requests = 20_000;
    for (let i = 0; i < requests; i++) deaf.message([Buffer.from(`request ${i}`)]);

    const stalled = await settled(() => received);
    expect(stalled).toBeLessThan(requests);
    // The limit, plus the one message that crossed it.
    for (const pipe of pipesOf(router)) expect(pipe.pendingBytes).toBeLessThan(limit + reply.length + 100);

    // Another peer is served meanwhile.
    const dealer = track(new Dealer());
    dealer.connect(router.lastEndpoint!);
    await dealer.send("hello");
    const [first, answer] = await dealer.receive();
    expect([text([first!]), answer!.length]).toEqual([["hello"], reply.length]);

    // Once the peer reads again, so does the router: every request is taken.
    deaf.socket.resume();
    await deaf.until(() => received === requests + 1); // and the other peer's one
    expect(received).toBe(requests + 1);
    deaf.close();
  });

  it("a PUB drops for a subscriber that does not read once the limit is queued for it", async () => {
    const limit = 1 << 20;
    const pub = await bound(new Publisher({ sendHighWaterBytes: limit, sendHighWaterMark: 0 }));
    const peer = await RawPeer.connect(pub.lastEndpoint!);
    peer.handshake("SUB");
    peer.message([Buffer.from([1])]); // SUBSCRIBE to everything, as ZMTP 3.0 writes it
    const sub = track(new Subscriber());
    sub.subscribe();
    sub.connect(pub.lastEndpoint!);
    await peer.until(() => peer.commandNames().includes("READY"));
    peer.socket.pause();
    // Both subscribers get the first message; then the stalled one's queue fills.
    const payload = Buffer.alloc(64 * 1024);
    const got = sub.receive();
    const timer = setInterval(() => void pub.send(["first"]), 10);
    await got;
    clearInterval(timer);
    for (let i = 0; i < 2000; i++) await pub.send(payload);
    for (const pipe of pipesOf(pub)) expect(pipe.pendingBytes).toBeLessThanOrEqual(limit + payload.length);
    peer.close();
  });
});

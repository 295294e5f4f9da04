import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { FLAG_COMMAND } from "../src/zmq/codec/constants.js";
import { Publisher, Pull, Subscriber } from "../src/zmq/index.js";
import { settle } from "../conformance/helpers/wait.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { bound, text, track } from "./helpers/sockets.js";

/** The subscription frames a raw peer received: commands by name, messages as text. */
function subscriptionFrames(peer: RawPeer): string[] {
  return peer.frames
    .filter(
      (f) => !(f.flags & FLAG_COMMAND) || /^(SUBSCRIBE|CANCEL)$/.test(f.body.toString("latin1", 1, 1 + f.body[0]!)),
    )
    .map((f) =>
      f.flags & FLAG_COMMAND ? `command ${f.body.toString("latin1", 1)}` : `message ${f.body.toString("latin1")}`,
    );
}

/** Our SUB connected to a raw listening peer that speaks ZMTP 3.<minor> as an XPUB. */
async function subscriberTalkingTo(minor: number) {
  const { createServer } = await import("node:net");
  let accepted!: (peer: RawPeer) => void;
  const peerReady = new Promise<RawPeer>((resolve) => (accepted = resolve));
  const server = createServer((socket) => {
    server.close();
    const peer = RawPeer.wrap(socket);
    peer.handshake("XPUB", minor);
    accepted(peer);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  const sub = track(new Subscriber());
  const handshake = sub.events.once("handshake");
  sub.connect(`tcp://127.0.0.1:${port}`);
  const peer = await peerReady;
  await handshake; // subscriptions made before it would be sent as the stored set instead
  return { sub, peer };
}

describe("ZMTP 3.0 peers", () => {
  it("a 3.0 publisher gets our subscriptions as 0x01/0x00-prefixed messages", async () => {
    const { sub, peer } = await subscriberTalkingTo(0);
    sub.subscribe("topic");
    sub.unsubscribe("topic");
    await peer.until(() => subscriptionFrames(peer).length >= 2);
    expect(subscriptionFrames(peer)).toEqual(["message \x01topic", "message \x00topic"]);
    peer.close();
  });

  it("a 3.1 publisher gets SUBSCRIBE and CANCEL commands", async () => {
    const { sub, peer } = await subscriberTalkingTo(1);
    sub.subscribe("topic");
    sub.unsubscribe("topic");
    await peer.until(() => subscriptionFrames(peer).length >= 2);
    // A command's body is its name then its data: SUBSCRIBE + "topic".
    expect(subscriptionFrames(peer)).toEqual(["command SUBSCRIBEtopic", "command CANCELtopic"]);
    peer.close();
  });

  it("our publisher accepts a 3.0 subscriber's subscription messages and filters by them", async () => {
    const pub = await bound(new Publisher());
    const peer = await RawPeer.connect(pub.lastEndpoint!);
    peer.handshake("SUB", 0);
    peer.message([Buffer.from("\x01wanted", "latin1")]);
    const deliveredFirstFrames = () =>
      peer.frames.filter((f) => !(f.flags & FLAG_COMMAND)).map((f) => f.body.toString("latin1"));
    // Publish until the subscription has been processed, then check that only "wanted" came.
    const timer = setInterval(() => {
      void pub.send("unwanted message");
      void pub.send("wanted message");
    }, 10);
    await peer.until(() => deliveredFirstFrames().length > 0);
    clearInterval(timer);
    expect(new Set(deliveredFirstFrames())).toEqual(new Set(["wanted message"]));
    peer.close();
  });

  it("a 3.0 peer is never sent PING, even with heartbeats on", async () => {
    const pull = await bound(new Pull({ heartbeatInterval: 20, heartbeatTimeout: 10000 }));
    const peer = await RawPeer.connect(pull.lastEndpoint!);
    peer.handshake("PUSH", 0);
    peer.message([Buffer.from("hello")]);
    expect(text(await pull.receive())).toEqual(["hello"]);
    await settle(150); // an absence check: several heartbeat intervals, no PING
    expect(peer.commandNames()).not.toContain("PING");
    peer.close();
  });
});

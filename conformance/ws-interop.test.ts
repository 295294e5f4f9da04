/**
 * Our ZeroMQ over WebSocket (ZWS 2.0) against jszmq: every classic socket pair, both roles,
 * both sides binding; routing ids; reconnection.
 */
import { describe, expect, it } from "vitest";
import { jszmqKind } from "./helpers/jszmq.js";
import { oursKind } from "./helpers/peers.js";
import { itEveryPair, makePeer } from "./helpers/scenarios.js";

const make = makePeer;

describe("against jszmq over ws://", () => {
  itEveryPair(jszmqKind, "ws://127.0.0.1:0/zmq");

  it("routing ids: our ROUTER sees jszmq's, jszmq's ROUTER (which prefixes a zero octet) sees ours", async () => {
    const ourRouter = await make(oursKind, "ROUTER");
    const theirDealer = await make(jszmqKind, "DEALER", { routingId: "js-dealer" });
    await theirDealer.connect(await ourRouter.bind("ws://127.0.0.1:0"));
    await theirDealer.send(["hello"]);
    expect(await ourRouter.receive()).toEqual(["js-dealer", "hello"]);
    await ourRouter.send(["js-dealer", "world"]);
    expect(await theirDealer.receive()).toEqual(["world"]);

    const theirRouter = await make(jszmqKind, "ROUTER");
    const ourDealer = await make(oursKind, "DEALER", { routingId: "ts-dealer" });
    await ourDealer.connect(await theirRouter.bind("ws://127.0.0.1:0"));
    await ourDealer.send(["hi"]);
    expect(await theirRouter.receive()).toEqual(["\0ts-dealer", "hi"]);
    await theirRouter.send(["\0ts-dealer", "back"]);
    expect(await ourDealer.receive()).toEqual(["back"]);
  });

  it("PUSH/PULL keeps 1,000 messages in order both ways", async () => {
    for (const [pushKind, pullKind] of [
      [oursKind, jszmqKind],
      [jszmqKind, oursKind],
    ] as const) {
      const pull = await make(pullKind, "PULL");
      const push = await make(pushKind, "PUSH");
      await push.connect(await pull.bind("ws://127.0.0.1:0"));
      for (let i = 0; i < 1000; i++) await push.send([`${i}`]);
      for (let i = 0; i < 1000; i++) expect(await pull.receive()).toEqual([`${i}`]);
    }
  });
});

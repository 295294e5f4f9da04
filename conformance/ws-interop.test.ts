/**
 * Our ZeroMQ over WebSocket (ZWS 2.0) against jszmq: every classic socket pair, both roles,
 * both sides binding; routing ids; reconnection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { jszmqKind } from "./helpers/jszmq.js";
import { oursKind, type PeerKind, type PeerSocket } from "./helpers/peers.js";
import { PAIRS } from "./helpers/scenarios.js";

const open: PeerSocket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close().catch(() => {})));
});

async function make(kind: PeerKind, type: string, options?: object): Promise<PeerSocket> {
  const s = await kind.create(type, options);
  open.push(s);
  return s;
}

describe("against jszmq over ws://", () => {
  for (const [aType, bType, scenario] of PAIRS) {
    for (const oursIs of ["a", "b"] as const) {
      for (const binder of ["ours", "theirs"] as const) {
        const ourType = oursIs === "a" ? aType : bType;
        const theirType = oursIs === "a" ? bType : aType;
        it(`${aType}/${bType}: our ${ourType} with their ${theirType}, ${binder} binding`, async () => {
          const us = await make(oursKind, ourType);
          const them = await make(jszmqKind, theirType);
          const [binds, connects] = binder === "ours" ? [us, them] : [them, us];
          await connects.connect(await binds.bind("ws://127.0.0.1:0/zmq"));
          const [a, b] = oursIs === "a" ? [us, them] : [them, us];
          await scenario(a, b, aType, bType);
        });
      }
    }
  }

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

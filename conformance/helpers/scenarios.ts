/**
 * The socket-pair scenarios of the interop suites (tcp against libzmq, ws against jszmq): each
 * drives two peers of any implementation the same way and asserts what arrives.
 */
import { afterEach, expect, it } from "vitest";
import { expected, type FrameSpec, nativeKind, oursKind, type PeerKind, type PeerSocket, pyzmqKind } from "./peers.js";
import { hasPyzmq } from "./python.js";

const open: PeerSocket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close().catch(() => {})));
});

/** A peer socket of `kind`, closed after the test. */
export async function makePeer(kind: PeerKind, type: string, options?: object): Promise<PeerSocket> {
  const s = await kind.create(type, options);
  open.push(s);
  return s;
}

/** Ours, the native package and pyzmq, each with whether it can run here. */
export const EVERY_KIND: Array<[PeerKind, boolean]> = [
  [oursKind, true],
  [nativeKind, true],
  [pyzmqKind, hasPyzmq()],
];

export const LONG = "x".repeat(300); // over 255 octets: a long frame
export const BIG: FrameSpec = { pattern: 16 * 1024 * 1024 };

export type Scenario = (a: PeerSocket, b: PeerSocket, aType: string, bType: string) => Promise<void>;

/** a is the client (REQ or DEALER), b the server (REP or ROUTER). */
const requestReply: Scenario = async (client, server, clientType, serverType) => {
  for (const round of ["1", "2"]) {
    const body = ["hello", "", LONG, round];
    await client.send(clientType === "DEALER" ? ["", ...body] : body);
    const got = await server.receive();
    if (serverType === "ROUTER") {
      expect(got.slice(1)).toEqual(expected(["", ...body]));
      await server.send([got[0]!, "", "reply", "", round]);
    } else {
      expect(got).toEqual(expected(body));
      await server.send(["reply", "", round]);
    }
    const reply = await client.receive();
    expect(reply).toEqual(expected(clientType === "DEALER" ? ["", "reply", "", round] : ["reply", "", round]));
  }
};

/** a publishes, b subscribes to "a". */
const publishSubscribe: Scenario = async (pub, sub, pubType, subType) => {
  if (subType === "XSUB") {
    // A bound libzmq XSUB sends stored subscriptions to a new peer only when the application
    // next calls into the socket, so the subscription is repeated until it arrives.
    const subscribing = sub.sendRepeatedly([["\x01a"]]);
    try {
      expect(await pub.receive()).toEqual(["\x01a"]);
    } finally {
      await subscribing.stop();
    }
  } else {
    await sub.subscribe("a");
    if (pubType === "XPUB") expect(await pub.receive()).toEqual(["\x01a"]);
  }
  const publishing = pub.sendRepeatedly([
    ["b", "filtered out"],
    ["a1", "", LONG],
  ]);
  try {
    expect(await sub.receive()).toEqual(expected(["a1", "", LONG]));
  } finally {
    await publishing.stop();
  }
};

const pushPull: Scenario = async (push, pull) => {
  await push.send(["first", "", LONG]);
  expect(await pull.receive()).toEqual(expected(["first", "", LONG]));
  await push.send([BIG, "after big"]);
  expect(await pull.receive(20000)).toEqual(expected([BIG, "after big"]));
};

const pair: Scenario = async (a, b) => {
  await a.send(["ping", "", LONG]);
  expect(await b.receive()).toEqual(expected(["ping", "", LONG]));
  await b.send(["pong"]);
  expect(await a.receive()).toEqual(["pong"]);
};

export const PAIRS: Array<[string, string, Scenario]> = [
  ["REQ", "REP", requestReply],
  ["REQ", "ROUTER", requestReply],
  ["DEALER", "ROUTER", requestReply],
  ["DEALER", "REP", requestReply],
  ["PUB", "SUB", publishSubscribe],
  ["XPUB", "XSUB", publishSubscribe],
  ["PUSH", "PULL", pushPull],
  ["PAIR", "PAIR", pair],
];

/**
 * One test per socket pair of PAIRS, our socket in either role, either side binding `endpoint`
 * (a wildcard: the bound endpoint is what the other side connects to).
 */
export function itEveryPair(theirs: PeerKind, endpoint: string): void {
  for (const [aType, bType, scenario] of PAIRS) {
    for (const oursIs of ["a", "b"] as const) {
      for (const binder of ["ours", "theirs"] as const) {
        const ourType = oursIs === "a" ? aType : bType;
        const theirType = oursIs === "a" ? bType : aType;
        it(`${aType}/${bType}: our ${ourType} with their ${theirType}, ${binder} binding`, async () => {
          const us = await makePeer(oursKind, ourType);
          const them = await makePeer(theirs, theirType);
          const [binds, connects] = binder === "ours" ? [us, them] : [them, us];
          await connects.connect(await binds.bind(endpoint));
          const [a, b] = oursIs === "a" ? [us, them] : [them, us];
          await scenario(a, b, aType, bType);
        });
      }
    }
  }
}

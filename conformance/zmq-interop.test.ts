/**
 * Our ZeroMQ against libzmq, byte for byte: every classic socket pair, both roles, both sides
 * binding, against pyzmq (Debian's libzmq) and the native `zeromq` package.
 */
import { describe, expect, it } from "vitest";
import { Push } from "../src/zmq/index.js";
import { hasPyzmq } from "./helpers/python.js";
import { settle } from "./helpers/wait.js";
import { nativeKind, oursKind, pyzmqKind, type PeerKind } from "./helpers/peers.js";
import { itEveryPair, makePeer } from "./helpers/scenarios.js";

const make = makePeer;

const kinds: Array<[PeerKind, boolean]> = [
  [pyzmqKind, hasPyzmq()],
  [nativeKind, true],
];

for (const [theirs, available] of kinds) {
  describe.runIf(available)(`against ${theirs.name}`, () => {
    itEveryPair(theirs, "tcp://127.0.0.1:*");

    it("their ROUTER addresses our DEALER by its Identity, and ours addresses theirs", async () => {
      const router = await make(theirs, "ROUTER");
      const dealer = await make(oursKind, "DEALER", { routingId: "ts-dealer" });
      await dealer.connect(await router.bind("tcp://127.0.0.1:*"));
      await dealer.send(["hi"]);
      expect(await router.receive()).toEqual(["ts-dealer", "hi"]);
      await router.send(["ts-dealer", "back"]);
      expect(await dealer.receive()).toEqual(["back"]);

      const ourRouter = await make(oursKind, "ROUTER");
      const theirDealer = await make(theirs, "DEALER", { routingId: "py-dealer" });
      await theirDealer.connect(await ourRouter.bind("tcp://127.0.0.1:*"));
      await theirDealer.send(["hello"]);
      expect(await ourRouter.receive()).toEqual(["py-dealer", "hello"]);
      await ourRouter.send(["py-dealer", "world"]);
      expect(await theirDealer.receive()).toEqual(["world"]);
    });

    it("answers their heartbeats: a peer pinging every 50 ms with a 200 ms timeout stays connected", async () => {
      const router = await make(oursKind, "ROUTER");
      const dealer = await make(theirs, "DEALER", { heartbeatInterval: 50, heartbeatTimeout: 200, routingId: "hb" });
      await dealer.connect(await router.bind("tcp://127.0.0.1:*"));
      await dealer.send(["one"]);
      expect(await router.receive()).toEqual(["hb", "one"]);
      // An absence check: without PONGs libzmq would drop the connection within 250 ms; give it
      // four times that.
      await settle(1000);
      await router.send(["hb", "still here"]);
      expect(await dealer.receive(1000)).toEqual(["still here"]);
    });

    it("our connecting socket reconnects after their bound peer restarts", async () => {
      const first = await make(theirs, "PULL");
      const endpoint = await first.bind("tcp://127.0.0.1:*");
      const push = new Push({ reconnectInterval: 20, linger: 0 });
      try {
        push.connect(endpoint);
        await push.send("before");
        expect(await first.receive()).toEqual(["before"]);
        const gone = push.events.once("disconnect");
        await first.close();
        await gone; // a message written before we notice the close is lost, as with libzmq
        const second = await make(theirs, "PULL");
        await second.bind(endpoint);
        const back = push.events.once("handshake");
        await push.send("after");
        await back;
        expect(await second.receive()).toEqual(["after"]);
      } finally {
        push.close();
      }
    });

    it("their connecting socket reconnects after our bound peer restarts", async () => {
      const first = await make(oursKind, "PULL");
      const endpoint = await first.bind("tcp://127.0.0.1:*");
      const push = await make(theirs, "PUSH", { reconnectInterval: 20 });
      await push.connect(endpoint);
      await push.send(["before"]);
      expect(await first.receive()).toEqual(["before"]);
      await first.close();
      const second = await make(oursKind, "PULL");
      await second.bind(endpoint);
      await push.send(["after"]);
      expect(await second.receive()).toEqual(["after"]);
    });
  });
}

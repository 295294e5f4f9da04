/**
 * PLAIN (RFC 24) with libzmq, both ways and both roles: our sockets against pyzmq (Debian's
 * libzmq) and the native `zeromq` package, and each against ours.
 */
import { describe, expect, it } from "vitest";
import { Reply, Request } from "../src/zmq/index.js";
import { intruderRefusedFriendServed } from "./helpers/refusal.js";
import { oursKind } from "./helpers/peers.js";
import { EVERY_KIND, makePeer } from "./helpers/scenarios.js";

const make = makePeer;

const server = { plainServer: true, zapPlain: { admin: "secret" } };
const client = { plainUsername: "admin", plainPassword: "secret" };

const kinds = EVERY_KIND;

describe("PLAIN with libzmq", () => {
  for (const [serverKind, serverAvailable] of kinds) {
    for (const [clientKind, clientAvailable] of kinds) {
      if (serverKind !== oursKind && clientKind !== oursKind) continue;
      it.runIf(serverAvailable && clientAvailable)(
        `${clientKind.name} client, ${serverKind.name} server: requests and replies`,
        async () => {
          const rep = await make(serverKind, "REP", server);
          const endpoint = await rep.bind("tcp://127.0.0.1:*");
          const req = await make(clientKind, "REQ", client);
          await req.connect(endpoint);
          await req.send(["hello", "plain"]);
          expect(await rep.receive()).toEqual(["hello", "plain"]);
          await rep.send(["welcome"]);
          expect(await req.receive()).toEqual(["welcome"]);
        },
      );
    }
  }
});

describe("PLAIN with libzmq: refusals", () => {
  for (const [serverKind, available] of kinds) {
    it.runIf(available)(
      `a wrong password gets nothing through to a ${serverKind.name} server, which serves the others`,
      async () => {
        const rep = await make(serverKind, "REP", server);
        const endpoint = await rep.bind("tcp://127.0.0.1:*");
        await intruderRefusedFriendServed(
          rep,
          endpoint,
          (options) => make(oursKind, "REQ", options),
          { plainUsername: "admin", plainPassword: "wrong" },
          client,
        );
      },
    );
  }
});

describe("PLAIN (ours)", () => {
  it("reports its mechanism, and a NULL peer gets nothing through", async () => {
    const rep = new Reply({ plainServer: true, linger: 0 });
    await rep.bind("tcp://127.0.0.1:*");
    const nullClient = new Request({ linger: 0 });
    try {
      expect([rep.securityMechanism, nullClient.securityMechanism]).toEqual(["plain", null]);
      const failed = rep.events.once("handshake:error:protocol");
      nullClient.connect(rep.lastEndpoint!);
      await nullClient.send("sneaking in");
      expect((await failed).error?.code).toBe("ERR_ZMTP_MECHANISM_MISMATCH");
      rep.receiveTimeout = 200;
      await expect(rep.receive()).rejects.toMatchObject({ code: "EAGAIN" });
    } finally {
      rep.close();
      nullClient.close();
    }
  });
});

import { describe, expect, it } from "vitest";
import { curveKeyPair, Pull, Push, Reply, Request } from "../src/zmq/index.js";
import { RawWs } from "./helpers/raw-ws.js";
import { bound, text, track } from "./helpers/sockets.js";

/** A ZAP handler admitting PLAIN user "admin" with password "secret", everyone else refused. */
async function plainHandler() {
  const handler = await bound(new Reply(), "inproc://zeromq.zap.01");
  void (async () => {
    for await (const [version, id, , , , mechanism, user, password] of handler) {
      const ok = String(mechanism) === "PLAIN" && String(user) === "admin" && String(password) === "secret";
      await handler.send([version!, id!, ok ? "200" : "400", ok ? "OK" : "No", ok ? "admin" : "", ""]);
    }
  })();
}

describe("security mechanisms over ws:// (ZWS2.0/PLAIN, ZWS2.0/CURVE)", () => {
  it("CURVE: the right server key gets through, a wrong one gets nothing while others are served", async () => {
    const server = curveKeyPair();
    const pull = await bound(new Pull({ curveServer: true, curveSecretKey: server.secretKey }), "ws://127.0.0.1:0/sec");
    expect(pull.securityMechanism).toBe("curve");

    const intruder = track(new Push({ curveServerKey: curveKeyPair().publicKey }));
    const refused = pull.events.once("handshake:error:protocol");
    intruder.connect(pull.lastEndpoint!);
    void intruder.send("should not arrive").catch(() => undefined);
    await refused;

    const push = track(new Push({ curveServerKey: server.publicKey }));
    push.connect(pull.lastEndpoint!);
    await push.send(["secret", Buffer.alloc(100_000, 7)]);
    const [a, b] = await pull.receive();
    expect(String(a)).toBe("secret");
    expect(b!.equals(Buffer.alloc(100_000, 7))).toBe(true);
  });

  it("PLAIN with a ZAP handler: admitted and refused users", async () => {
    await plainHandler();
    const rep = await bound(new Reply({ plainServer: true }), "ws://127.0.0.1:0");
    const bad = track(new Request({ plainUsername: "admin", plainPassword: "wrong" }));
    const refused = bad.events.once("handshake:error:auth");
    bad.connect(rep.lastEndpoint!);
    void bad.send("no").catch(() => undefined);
    expect((await refused).error).toMatchObject({ status: 400 });

    const good = track(new Request({ plainUsername: "admin", plainPassword: "secret" }));
    good.connect(rep.lastEndpoint!);
    await good.send("hello");
    expect(text(await rep.receive())).toEqual(["hello"]);
    await rep.send("welcome");
    expect(text(await good.receive())).toEqual(["welcome"]);
  });

  it("a CURVE server refuses bare ZWS2.0 and ZWS2.0/NULL offers (400): no way around the mechanism", async () => {
    const server = curveKeyPair();
    const pull = await bound(new Pull({ curveServer: true, curveSecretKey: server.secretKey }), "ws://127.0.0.1:0");
    for (const offer of ["ZWS2.0", "ZWS2.0/NULL", "ZWS2.0/PLAIN"]) {
      const { status } = await RawWs.open(pull.lastEndpoint!, offer);
      expect(status).toBe(400);
    }
    const push = track(new Push());
    const failed = push.events.once("connect:retry");
    push.connect(pull.lastEndpoint!);
    await failed; // a NULL client cannot connect
  });
});

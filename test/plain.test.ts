import { describe, expect, it } from "vitest";
import { encodeGreeting } from "../src/zmq/codec/greeting.js";
import { curveKeyPair, Reply, Request, type ZmqError } from "../src/zmq/index.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { bound, track } from "./helpers/sockets.js";

describe("PLAIN and ZAP", () => {
  it("without a ZAP handler, a PLAIN server admits no one (as libzmq 4.3)", async () => {
    const rep = await bound(new Reply({ plainServer: true }));
    const failed = rep.events.once("handshake:error:other");
    const req = track(new Request({ plainUsername: "admin", plainPassword: "secret" }));
    req.connect(rep.lastEndpoint!);
    await req.send("hello");
    expect((await failed).error).toMatchObject({ code: "EFAULT", message: "Context is closed" });
  });

  it("a ZAP handler's refusal reaches both sides as an auth error with its status", async () => {
    const handler = await bound(new Reply(), "inproc://zeromq.zap.01");
    void (async () => {
      for await (const [version, id, , , , mechanism, user, password] of handler) {
        const ok =
          mechanism?.toString() === "PLAIN" && user?.toString() === "admin" && password?.toString() === "secret";
        await handler.send([version!, id!, ok ? "200" : "400", ok ? "OK" : "No such user", ok ? "admin" : "", ""]);
      }
    })();
    const rep = await bound(new Reply({ plainServer: true, zapDomain: "lab" }));
    const serverSide = rep.events.once("handshake:error:auth");
    const intruder = track(new Request({ plainUsername: "admin", plainPassword: "guess" }));
    const clientSide = intruder.events.once("handshake:error:auth");
    intruder.connect(rep.lastEndpoint!);
    await intruder.send("let me in");
    const [server, clientEvent] = await Promise.all([serverSide, clientSide]);
    expect(server.error).toMatchObject({
      code: "EACCES",
      status: 400,
      message: "Authentication failure",
      detail: "No such user",
    });
    expect((clientEvent.error as ZmqError & { status?: number }).status).toBe(400);

    const friend = track(new Request({ plainUsername: "admin", plainPassword: "secret" }));
    friend.connect(rep.lastEndpoint!);
    await friend.send("hello");
    expect((await rep.receive()).map(String)).toEqual(["hello"]);
  });
});

describe("a client that never finishes its handshake", () => {
  for (const mechanism of ["PLAIN", "CURVE"] as const) {
    it(`is dropped after handshakeInterval (${mechanism})`, async () => {
      const options =
        mechanism === "PLAIN" ? { plainServer: true } : { curveServer: true, curveSecretKey: curveKeyPair().secretKey };
      const rep = await bound(new Reply({ ...options, handshakeInterval: 150 }));
      // A timeout is no protocol error: "other", as libzmq reports it, with ETIMEDOUT.
      const failed = rep.events.once("handshake:error:other");
      const peer = await RawPeer.connect(rep.lastEndpoint!);
      peer.write(encodeGreeting(mechanism, false)); // and then nothing
      expect((await failed).error).toMatchObject({ code: "ETIMEDOUT", detail: "handshake timed out" });
      await peer.waitClosed();
      expect(peer.closed).toBe(true);
    });
  }
});

import { describe, expect, it } from "vitest";
import { curveKeyPair, Reply, Request, Router } from "../src/zmq/index.js";
import { settle } from "../conformance/helpers/wait.js";
import { bound, track } from "./helpers/sockets.js";

/** A ZAP handler for the test's duration: answers with `status`, records what it was asked. */
async function zapHandler(status: string) {
  const handler = await bound(new Reply(), "inproc://zeromq.zap.01");
  const asked: { domain: string; mechanism: string; credentials: number }[] = [];
  void (async () => {
    for await (const [version, id, domain, , , mechanism, ...credentials] of handler) {
      asked.push({ domain: String(domain), mechanism: String(mechanism), credentials: credentials.length });
      await handler.send([version!, id!, status, status === "200" ? "OK" : "Go away", "", ""]);
    }
  })();
  return asked;
}

describe("ZAP for NULL and zapEnforceDomain (as libzmq 4.3)", () => {
  it("a NULL socket with a zapDomain asks the handler, and its refusal reaches both sides", async () => {
    const asked = await zapHandler("400");
    const rep = await bound(new Reply({ zapDomain: "lab" }));
    const serverSide = rep.events.once("handshake:error:auth");
    const req = track(new Request());
    const clientSide = req.events.once("handshake:error:auth");
    req.connect(rep.lastEndpoint!);
    void req.send("hello").catch(() => undefined);
    const [server, client] = await Promise.all([serverSide, clientSide]);
    expect(server.error).toMatchObject({ code: "EACCES", status: 400 });
    expect(client.error).toMatchObject({ code: "EACCES", status: 400 });
    expect(asked).toEqual([{ domain: "lab", mechanism: "NULL", credentials: 0 }]);
  });

  it("admitted by the handler, a NULL peer is served; without a zapDomain the handler is not asked", async () => {
    const asked = await zapHandler("200");
    const guarded = await bound(new Reply({ zapDomain: "lab" }));
    const open = await bound(new Reply());
    for (const rep of [guarded, open]) {
      const req = track(new Request());
      req.connect(rep.lastEndpoint!);
      await req.send("hello");
      expect((await rep.receive()).map(String)).toEqual(["hello"]);
    }
    expect(asked.map((a) => a.mechanism)).toEqual(["NULL"]);
  });

  it("with zapEnforceDomain and no handler, NULL (with a domain) and CURVE servers admit no one", async () => {
    const keys = curveKeyPair();
    const cases = [
      { server: { zapDomain: "lab", zapEnforceDomain: true }, client: {} },
      {
        server: { curveServer: true, curveSecretKey: keys.secretKey, zapDomain: "lab", zapEnforceDomain: true },
        client: { curveServerKey: keys.publicKey },
      },
    ];
    for (const { server, client } of cases) {
      const rep = await bound(new Reply(server));
      const failed = rep.events.once("handshake:error:other");
      const req = track(new Request(client));
      req.connect(rep.lastEndpoint!);
      void req.send("hello").catch(() => undefined);
      expect((await failed).error).toMatchObject({ code: "EFAULT" });
    }
  });

  it("without zapEnforceDomain and no handler, CURVE and NULL with a domain admit everyone", async () => {
    const keys = curveKeyPair();
    const cases = [
      { server: { zapDomain: "lab" }, client: {} },
      {
        server: { curveServer: true, curveSecretKey: keys.secretKey, zapDomain: "lab" },
        client: { curveServerKey: keys.publicKey },
      },
    ];
    for (const { server, client } of cases) {
      const rep = await bound(new Reply(server));
      const req = track(new Request(client));
      req.connect(rep.lastEndpoint!);
      await req.send("hello");
      expect((await rep.receive()).map(String)).toEqual(["hello"]);
    }
  });

  it("a CURVE server with zapEnforceDomain and no domain does not ask the handler (encryption only)", async () => {
    const asked = await zapHandler("400");
    const keys = curveKeyPair();
    const rep = await bound(new Reply({ curveServer: true, curveSecretKey: keys.secretKey, zapEnforceDomain: true }));
    const req = track(new Request({ curveServerKey: keys.publicKey }));
    req.connect(rep.lastEndpoint!);
    await req.send("hello");
    expect((await rep.receive()).map(String)).toEqual(["hello"]);
    expect(asked).toEqual([]);
  });

  it("a handler that goes away with a request unanswered leaves that handshake waiting (as libzmq); a new handler serves the next", async () => {
    // The ZAP client's pipe to the handler (engine/zap-client.ts): its end fails nothing at once.
    const silent = await bound(new Router(), "inproc://zeromq.zap.01");
    const rep = await bound(new Reply({ zapDomain: "lab" }));
    const failures: string[] = [];
    rep.events.on("handshake:error:other", (e) => failures.push(e.error.code));
    const req = track(new Request());
    req.connect(rep.lastEndpoint!);
    void req.send("hello").catch(() => undefined);
    await silent.receive(); // the request reached the handler
    silent.close();
    await settle(300); // an absence check: no verdict on the waiting handshake
    expect(failures).toEqual([]);
    const asked = await zapHandler("200");
    const next = track(new Request());
    next.connect(rep.lastEndpoint!);
    await next.send("again");
    expect((await rep.receive()).map(String)).toEqual(["again"]);
    expect(asked).toEqual([{ domain: "lab", mechanism: "NULL", credentials: 0 }]);
  }, 10_000);
});

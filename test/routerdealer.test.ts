import { describe, expect, it } from "vitest";
import { Dealer, Router } from "../src/zmq/index.js";
import { bound, text, track } from "./helpers/sockets.js";

describe("DEALER/ROUTER", () => {
  it("ROUTER prefixes the peer's announced routing id and routes replies by it", async () => {
    const router = await bound(new Router());
    const a = track(new Dealer({ routingId: "alice" }));
    const b = track(new Dealer({ routingId: "bob" }));
    a.connect(router.lastEndpoint!);
    b.connect(router.lastEndpoint!);
    await a.send("from a");
    await b.send("from b");
    const got = [text(await router.receive()), text(await router.receive())].sort();
    expect(got).toEqual([
      ["alice", "from a"],
      ["bob", "from b"],
    ]);
    await router.send(["bob", "to b"]);
    await router.send(["alice", "to a"]);
    expect(text(await a.receive())).toEqual(["to a"]);
    expect(text(await b.receive())).toEqual(["to b"]);
  });

  it("generates a 5-octet id starting with zero for anonymous peers", async () => {
    const router = await bound(new Router());
    const d = track(new Dealer());
    d.connect(router.lastEndpoint!);
    await d.send("x");
    const [id] = await router.receive();
    expect(id!.length).toBe(5);
    expect(id![0]).toBe(0);
  });

  it("drops messages to unknown peers, or fails with EHOSTUNREACH when mandatory", async () => {
    const router = await bound(new Router());
    await expect(router.send(["nobody", "x"])).resolves.toBeUndefined();
    router.mandatory = true;
    await expect(router.send(["nobody", "x"])).rejects.toMatchObject({ code: "EHOSTUNREACH" });
    await expect(router.send(["only-id"])).rejects.toMatchObject({ code: "EINVAL" });
  });

  it("refuses a second peer with the same routing id unless handover", async () => {
    const router = await bound(new Router());
    const first = track(new Dealer({ routingId: "same" }));
    first.connect(router.lastEndpoint!);
    await first.send("1");
    await router.receive();
    const second = track(new Dealer({ routingId: "same" }));
    const refused = router.events.once("handshake:error:other");
    second.connect(router.lastEndpoint!);
    await second.send("2");
    expect((await refused).error?.detail).toMatch(/routing id already in use/);
    await router.send(["same", "still first"]);
    expect(text(await first.receive())).toEqual(["still first"]);
  });

  it("DEALER load-balances over its peers and fair-queues their replies", async () => {
    const r1 = await bound(new Router());
    const r2 = await bound(new Router());
    const d = track(new Dealer());
    d.connect(r1.lastEndpoint!);
    d.connect(r2.lastEndpoint!);
    await Promise.all([r1.events.once("handshake"), r2.events.once("handshake")]);
    for (let i = 0; i < 4; i++) await d.send(String(i));
    const a = [text(await r1.receive()), text(await r1.receive())];
    const b = [text(await r2.receive()), text(await r2.receive())];
    expect([...a, ...b].map((m) => m[1]).sort()).toEqual(["0", "1", "2", "3"]);
  });
});

describe("Router.connect(endpoint, { routingId })", () => {
  it("addresses the peer by the given id, also with immediate and mandatory", async () => {
    const server = await bound(new Dealer({ routingId: "announced" }));
    const router = track(new Router({ mandatory: true, immediate: true }));
    router.connect(server.lastEndpoint!, { routingId: "chosen" });
    await router.events.once("handshake");
    await expect(router.send(["announced", "x"])).rejects.toMatchObject({ code: "EHOSTUNREACH" });
    await router.send(["chosen", "hello"]);
    expect(text(await server.receive())).toEqual(["hello"]);
  });
});

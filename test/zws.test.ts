import * as http from "node:http";
import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { encodeCommandBody, encodeMetadata } from "../src/zmq/codec/command.js";
import {
  Dealer,
  Pair,
  Proxy as ZmqProxy,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Subscriber,
} from "../src/zmq/index.js";
import { chooseProtocol, mechanismOf, offeredProtocols } from "../src/zmq/transport/ws/zws.js";
import { RawWs } from "./helpers/raw-ws.js";
import { bound, repeatUntil, text, track } from "./helpers/sockets.js";

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

describe("ZWS 2.0 protocol names", () => {
  it("a NULL client offers bare ZWS2.0 (the one every server takes); others their mechanism", () => {
    expect(offeredProtocols("NULL")).toEqual(["ZWS2.0"]);
    expect(offeredProtocols("CURVE")).toEqual(["ZWS2.0/CURVE"]);
  });

  it("a server picks its own mechanism, else bare ZWS2.0 for NULL, else nothing", () => {
    expect(chooseProtocol("NULL", ["ZWS2.0/NULL", "ZWS2.0"])).toBe("ZWS2.0/NULL");
    expect(chooseProtocol("NULL", ["ZWS2.0"])).toBe("ZWS2.0");
    expect(chooseProtocol("PLAIN", ["ZWS2.0/NULL", "ZWS2.0"])).toBeUndefined();
    expect(chooseProtocol("CURVE", ["ZWS2.0/CURVE"])).toBe("ZWS2.0/CURVE");
    expect(mechanismOf("ZWS2.0")).toBe("");
    expect(mechanismOf("ZWS2.0/PLAIN")).toBe("PLAIN");
    expect(mechanismOf("chat")).toBeUndefined();
  });
});

describe("ws:// endpoints", () => {
  it("PUSH/PULL keeps multipart messages whole and in order; lastEndpoint has the real port and the path", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:*/pipeline");
    expect(pull.lastEndpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/pipeline$/);
    expect(portOf(pull.lastEndpoint!)).toBeGreaterThan(0);
    const push = track(new Push());
    push.connect(pull.lastEndpoint!);
    for (let i = 0; i < 100; i++) await push.send([`m${i}`, "", Buffer.alloc(i * 700, i)]);
    for (let i = 0; i < 100; i++) {
      const [a, b, c] = await pull.receive();
      expect(String(a)).toBe(`m${i}`);
      expect(b!.length).toBe(0);
      expect(c!.equals(Buffer.alloc(i * 700, i))).toBe(true);
    }
  });

  it("a frame of 4 MiB arrives intact", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0");
    const push = track(new Push());
    push.connect(pull.lastEndpoint!);
    const big = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    await push.send(big);
    const [got] = await pull.receive();
    expect(Buffer.compare(got!, big)).toBe(0);
  });

  it("REQ/REP and DEALER/ROUTER, with routing ids", async () => {
    const rep = await bound(new Reply(), "ws://127.0.0.1:*/rep");
    const req = track(new Request());
    req.connect(rep.lastEndpoint!);
    await req.send("ping");
    const [m] = await rep.receive();
    await rep.send(`pong ${m}`);
    expect(text(await req.receive())).toEqual(["pong ping"]);

    const router = await bound(new Router(), "ws://127.0.0.1:*/router");
    const dealer = track(new Dealer({ routingId: "dealer-7" }));
    dealer.connect(router.lastEndpoint!);
    await dealer.send(["a", "b"]);
    const [id, ...rest] = await router.receive();
    expect(String(id)).toBe("dealer-7");
    expect(text(rest)).toEqual(["a", "b"]);
    await router.send([id!, "back"]);
    expect(text(await dealer.receive())).toEqual(["back"]);
  });

  it("PUB/SUB filters by prefix (subscriptions travel as messages, as RFC 45 says)", async () => {
    const pub = await bound(new Publisher(), "ws://127.0.0.1:0/feed");
    const sub = track(new Subscriber());
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("temp.");
    const first = await repeatUntil(() => pub.send(["temp.a", "1"]), sub.receive());
    expect(text(first)).toEqual(["temp.a", "1"]);
    await pub.send(["humidity", "2"]);
    await pub.send(["temp.b", "3"]);
    let next = text(await sub.receive());
    while (next[0] === "temp.a") next = text(await sub.receive());
    expect(next).toEqual(["temp.b", "3"]);
  });

  it("several sockets share one port with different paths; a path bound twice is EADDRINUSE", async () => {
    const a = await bound(new Pull(), "ws://127.0.0.1:0/a");
    const port = portOf(a.lastEndpoint!);
    const b = await bound(new Pull(), `ws://127.0.0.1:${port}/b`);
    expect(b.lastEndpoint).toBe(`ws://127.0.0.1:${port}/b`);
    await expect(track(new Pull()).bind(`ws://127.0.0.1:${port}/a`)).rejects.toMatchObject({ code: "EADDRINUSE" });
    const push = track(new Push());
    push.connect(`ws://127.0.0.1:${port}/b`);
    push.connect(`ws://127.0.0.1:${port}/a`);
    await push.send("to b");
    await push.send("to a");
    expect(text(await b.receive())).toEqual(["to b"]);
    expect(text(await a.receive())).toEqual(["to a"]);
    await a.unbind(a.lastEndpoint!);
    const again = await bound(new Pull(), `ws://127.0.0.1:${port}/a`);
    expect(again.lastEndpoint).toBe(`ws://127.0.0.1:${port}/a`);
  });

  it("an unknown path is refused with 404, a plain HTTP request with 426", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/known");
    const port = portOf(pull.lastEndpoint!);
    const { status } = await RawWs.open(`ws://127.0.0.1:${port}/unknown`, "ZWS2.0");
    expect(status).toBe(404);
    const plain = await new Promise<number>((resolve) =>
      http.get(`http://127.0.0.1:${port}/known`, (r) => resolve(r.statusCode!)),
    );
    expect(plain).toBe(426);
  });

  it("answers malformed upgrades with HTTP errors and goes on serving", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/p");
    const port = portOf(pull.lastEndpoint!);
    const ask = (request: string) =>
      new Promise<string>((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => s.write(request));
        let reply = "";
        s.on("data", (d) => {
          reply += d;
        });
        s.on("close", () => resolve(reply.split("\r\n")[0]!));
        s.on("error", () => resolve(reply.split("\r\n")[0]!));
      });
    const upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: ZWS2.0\r\n";
    const key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    expect(await ask("garbage\r\n\r\n")).toBe("HTTP/1.1 400 Bad Request");
    expect(await ask(`POST /p HTTP/1.1\r\n${upgrade}${key}Sec-WebSocket-Version: 13\r\n\r\n`)).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    expect(await ask(`GET /p HTTP/1.1\r\n${upgrade}${key}Sec-WebSocket-Version: 8\r\n\r\n`)).toBe(
      "HTTP/1.1 426 Upgrade Required",
    );
    expect(
      await ask(`GET /p HTTP/1.1\r\n${upgrade}Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    ).toBe("HTTP/1.1 400 Bad Request");
    expect(await ask(`GET /p HTTP/1.1\r\nX: ${"x".repeat(20000)}`)).toBe(
      "HTTP/1.1 431 Request Header Fields Too Large",
    );
    const push = track(new Push());
    push.connect(pull.lastEndpoint!);
    await push.send("still serving");
    expect(text(await pull.receive())).toEqual(["still serving"]);
  });

  it("accepts libzmq's offer (ZWS2.0/NULL): the NULL handshake, Socket-Type checked", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0");
    const { ws, status, headers } = await RawWs.open(pull.lastEndpoint!, "ZWS2.0/NULL, ZWS2.0");
    expect(status).toBe(101);
    expect(headers["sec-websocket-protocol"]).toBe("ZWS2.0/NULL");
    const ready = await ws.receive();
    expect(ready![0]).toBe(0x02);
    expect(ready!.subarray(1, 7).toString("latin1")).toBe("\x05READY");
    expect(ready!.includes(Buffer.from("PULL"))).toBe(true);
    ws.send(
      Buffer.concat([Buffer.from([0x02]), encodeCommandBody("READY", encodeMetadata([["Socket-Type", "PUSH"]]))]),
    );
    ws.send(Buffer.from("\x01more"));
    ws.send(Buffer.from("\x00last"));
    expect(text(await pull.receive())).toEqual(["more", "last"]);
    ws.destroy();
  });

  it("refuses an offer without its mechanism, and a peer of the wrong socket type", async () => {
    const pull = await bound(new Pull({ plainServer: true }), "ws://127.0.0.1:0");
    expect((await RawWs.open(pull.lastEndpoint!, "ZWS2.0")).status).toBe(400);
    const nullPull = await bound(new Pull(), "ws://127.0.0.1:0");
    const { ws } = await RawWs.open(nullPull.lastEndpoint!, "ZWS2.0/NULL");
    await ws.receive(); // READY
    ws.send(
      Buffer.concat([Buffer.from([0x02]), encodeCommandBody("READY", encodeMetadata([["Socket-Type", "PULL"]]))]),
    );
    const error = await ws.receive();
    expect(error?.subarray(1, 7).toString("latin1")).toBe("\x05ERROR");
    expect(await ws.receive()).toBeUndefined();
  });

  it("survives bad input (text, empty, bad flags, oversized frames) and goes on serving others", async () => {
    const pull = await bound(new Pull({ maxMessageSize: 1000 }), "ws://127.0.0.1:0");
    const bad = [
      (ws: RawWs) => ws.send(Buffer.from("hello"), 1),
      (ws: RawWs) => ws.send(Buffer.alloc(0)),
      (ws: RawWs) => ws.send(Buffer.from("\x07x")),
      (ws: RawWs) => ws.send(Buffer.concat([Buffer.from([0]), Buffer.alloc(2000)])),
      (ws: RawWs) => ws.send(encodeCommandBody("READY", Buffer.alloc(0))), // no flags octet: garbage
    ];
    for (const send of bad) {
      const { ws } = await RawWs.open(pull.lastEndpoint!, "ZWS2.0");
      await ws.receive(); // our routing id
      ws.send(Buffer.from([0])); // theirs
      send(ws);
      expect(await ws.receive()).toBeUndefined(); // dropped
    }
    const push = track(new Push());
    push.connect(pull.lastEndpoint!);
    await push.send("still serving");
    expect(text(await pull.receive())).toEqual(["still serving"]);
  });

  it("a PAIR reconnects when the peer comes back on the same port", async () => {
    const a = await bound(new Pair(), "ws://127.0.0.1:0/pair");
    const endpoint = a.lastEndpoint!;
    const b = track(new Pair({ reconnectInterval: 20 }));
    b.connect(endpoint);
    await b.send("one");
    expect(text(await a.receive())).toEqual(["one"]);
    a.close();
    const a2 = await bound(new Pair(), endpoint);
    // What b sends before it notices the loss goes with the old connection, as over TCP.
    const got = await repeatUntil(() => b.send("two"), a2.receive(), 20);
    expect(text(got)).toEqual(["two"]);
  });

  it("a Proxy joins ws clients to a tcp service (ROUTER on ws, DEALER on tcp)", async () => {
    const front = await bound(new Router(), "ws://127.0.0.1:0/front");
    const back = await bound(new Dealer(), "tcp://127.0.0.1:0");
    const proxy = new ZmqProxy(front, back);
    const running = proxy.run();
    const service = track(new Reply());
    service.connect(back.lastEndpoint!);
    const client = track(new Request());
    client.connect(front.lastEndpoint!);
    try {
      for (const n of [1, 2, 3]) {
        await client.send(`question ${n}`);
        const [q] = await service.receive();
        await service.send(`answer to ${q}`);
        expect(text(await client.receive())).toEqual([`answer to question ${n}`]);
      }
    } finally {
      proxy.terminate();
      await running;
    }
  });
});

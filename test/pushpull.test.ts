import { describe, expect, it } from "vitest";
import { Pair, Pull, Push } from "../src/zmq/index.js";
import { bound, text, track } from "./helpers/sockets.js";

describe("PUSH/PULL", () => {
  it("queues messages sent before the peer exists and delivers them once it binds", async () => {
    const probe = await bound(new Pull());
    const endpoint = probe.lastEndpoint!;
    probe.close(); // frees the port; nothing listens now
    const push = track(new Push());
    push.connect(endpoint);
    await push.send("early");
    const pull = await bound(new Pull(), endpoint);
    expect(text(await pull.receive())).toEqual(["early"]);
  });

  it("load-balances over pullers", async () => {
    const p1 = await bound(new Pull());
    const p2 = await bound(new Pull());
    const push = track(new Push());
    push.connect(p1.lastEndpoint!);
    push.connect(p2.lastEndpoint!);
    for (let i = 0; i < 10; i++) await push.send(String(i));
    const [a, b] = [[] as string[], [] as string[]];
    for (let i = 0; i < 5; i++) a.push(text(await p1.receive())[0]!);
    for (let i = 0; i < 5; i++) b.push(text(await p2.receive())[0]!);
    expect([...a, ...b].sort((x, y) => Number(x) - Number(y))).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
    ]);
  });

  it("blocks at the high-water mark: sendTimeout turns the wait into EAGAIN", async () => {
    const push = track(new Push({ sendHighWaterMark: 5, sendTimeout: 50 }));
    push.connect("tcp://127.0.0.1:9"); // nobody there: the pipe only queues
    for (let i = 0; i < 5; i++) await push.send("x");
    await expect(push.send("one too many")).rejects.toMatchObject({ code: "EAGAIN" });
  });

  it("a blocked send completes once the reader catches up, in order", async () => {
    const pull = await bound(new Pull({ receiveHighWaterMark: 2 }));
    const push = track(new Push({ sendHighWaterMark: 2 }));
    push.connect(pull.lastEndpoint!);
    const sends = Array.from({ length: 200 }, (_, i) => push.send(Buffer.alloc(64 * 1024, i % 256)));
    for (let i = 0; i < 200; i++) expect((await pull.receive())[0]![0]).toBe(i % 256);
    await Promise.all(sends);
  });

  it("sends 16 MiB frames intact", async () => {
    const pull = await bound(new Pull());
    const push = track(new Push());
    push.connect(pull.lastEndpoint!);
    const big = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
    await push.send([big, "tail"]);
    const [got, tail] = await pull.receive();
    expect(got!.equals(big)).toBe(true);
    expect(text([tail!])).toEqual(["tail"]);
  });
});

describe("PAIR", () => {
  it("talks both ways with one peer and refuses a second", async () => {
    const a = await bound(new Pair());
    const b = track(new Pair());
    b.connect(a.lastEndpoint!);
    await b.send("hi");
    expect(text(await a.receive())).toEqual(["hi"]);
    await a.send("back");
    expect(text(await b.receive())).toEqual(["back"]);
    const intruder = track(new Pair());
    const refused = a.events.once("handshake:error:other");
    intruder.connect(a.lastEndpoint!);
    expect((await refused).error?.detail).toMatch(/already has a peer/);
  });
});

describe("PUSH under a flood of concurrent sends", () => {
  it("delivers 300,000 un-awaited sends in order, without deep recursion", async () => {
    const pull = await bound(new Pull());
    const push = track(new Push());
    push.connect(pull.lastEndpoint!);
    const n = 300_000;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(i);
      sends.push(push.send(b));
    }
    for (let i = 0; i < n; i++) {
      const [frame] = await pull.receive();
      if (frame!.readUInt32BE(0) !== i) expect(frame!.readUInt32BE(0)).toBe(i);
    }
    await Promise.all(sends);
  });
});

describe("a large backlog queued before the peer exists", () => {
  it("is delivered in order once the peer binds (no HWM)", async () => {
    const probe = await bound(new Pull());
    const endpoint = probe.lastEndpoint!;
    probe.close();
    const push = track(new Push({ sendHighWaterMark: 0 }));
    push.connect(endpoint);
    const n = 300_000;
    for (let i = 0; i < n; i++) {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(i);
      await push.send(b);
    }
    const pull = await bound(new Pull({ receiveHighWaterMark: 0 }), endpoint);
    for (let i = 0; i < n; i++) {
      const [frame] = await pull.receive();
      if (frame!.readUInt32BE(0) !== i) expect(frame!.readUInt32BE(0)).toBe(i);
    }
  });
});

describe("fairness", () => {
  it("a sender and a receiver looping in one process leave room for timers and I/O", async () => {
    const pull = await bound(new Pull(), "inproc://fairness");
    const push = track(new Push());
    push.connect("inproc://fairness");
    const total = 200_000;
    let received = 0;
    let receivedWhenTimerFired = -1;
    setTimeout(() => (receivedWhenTimerFired = received), 1);
    const sending = (async () => {
      for (let i = 0; i < total; i++) await push.send("x");
    })();
    for await (const _ of pull) {
      if (++received === total) break;
    }
    await sending;
    // Without yielding, both loops run on microtasks alone and the timer fires only at the end.
    expect(receivedWhenTimerFired).toBeGreaterThanOrEqual(0);
    expect(receivedWhenTimerFired).toBeLessThan(total);
  });
});

import { describe, expect, it } from "vitest";
import { Publisher, Subscriber, XPublisher, XSubscriber } from "../src/zmq/index.js";
import { bound, repeatUntil, text, track } from "./helpers/sockets.js";

describe("PUB/SUB", () => {
  it("delivers only messages whose first frame starts with a subscribed prefix", async () => {
    const pub = await bound(new Publisher());
    const sub = track(new Subscriber());
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("weather.");
    const got = await repeatUntil(async () => {
      await pub.send(["sports.x", "no"]);
      await pub.send(["weather.paris", "yes"]);
    }, sub.receive());
    expect(text(got)).toEqual(["weather.paris", "yes"]);
  });

  it("stops delivering after unsubscribe", async () => {
    const pub = await bound(new XPublisher());
    const sub = track(new Subscriber());
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("a");
    expect([...(await pub.receive())[0]!]).toEqual([1, 97]);
    sub.unsubscribe("a");
    expect([...(await pub.receive())[0]!]).toEqual([0, 97]);
    sub.subscribe("b");
    await pub.receive();
    await pub.send("a-message");
    await pub.send("b-message");
    expect(text(await sub.receive())).toEqual(["b-message"]);
  });

  it("XPUB passes each new subscription upstream once, every one when verbose", async () => {
    const pub = await bound(new XPublisher());
    const s1 = track(new Subscriber());
    const s2 = track(new Subscriber());
    s1.connect(pub.lastEndpoint!);
    s1.subscribe("t");
    expect(text(await pub.receive())).toEqual(["\x01t"]);
    pub.verbosity = "allSubs";
    s2.connect(pub.lastEndpoint!);
    s2.subscribe("t");
    expect(text(await pub.receive())).toEqual(["\x01t"]);
  });

  it("XSUB subscribes by sending 0x01-prefixed messages", async () => {
    const pub = await bound(new XPublisher());
    const xsub = track(new XSubscriber());
    xsub.connect(pub.lastEndpoint!);
    await xsub.send(Buffer.from("\x01news", "latin1"));
    expect(text(await pub.receive())).toEqual(["\x01news"]);
    await pub.send("news: hello");
    await pub.send("other");
    expect(text(await xsub.receive())).toEqual(["news: hello"]);
  });

  it("PUB never blocks: a slow subscriber loses messages past the high-water mark", async () => {
    const pub = await bound(new XPublisher({ sendHighWaterMark: 10 }));
    const sub = track(new Subscriber({ receiveHighWaterMark: 10 }));
    sub.connect(pub.lastEndpoint!);
    sub.subscribe();
    await pub.receive();
    for (let i = 0; i < 50000; i++) await pub.send(Buffer.alloc(1000));
    await pub.send("last");
    // The publisher got through all sends without waiting for the reader.
    let count = 0;
    sub.receiveTimeout = 500;
    for (;;) {
      try {
        const m = await sub.receive();
        count++;
        if (text(m)[0] === "last") break;
      } catch {
        break;
      }
    }
    expect(count).toBeLessThan(50001);
  });

  it("rejects receive on PUB and send on SUB with ENOTSUP", async () => {
    const pub = track(new Publisher());
    const sub = track(new Subscriber());
    await expect(pub.receive()).rejects.toMatchObject({ code: "ENOTSUP" });
    await expect(sub.send("x")).rejects.toMatchObject({ code: "ENOTSUP" });
  });
});

import { describe, expect, it } from "vitest";
import { Dealer, Reply, Request, Router } from "../src/zmq/index.js";
import { bound, text, track } from "./helpers/sockets.js";

describe("REQ/REP", () => {
  for (const endpoint of ["tcp://127.0.0.1:0", "ipc://*", "inproc://reqrep-test"]) {
    it(`round-trips multipart requests over ${endpoint.split(":")[0]}`, async () => {
      const rep = await bound(new Reply(), endpoint);
      const req = track(new Request());
      req.connect(rep.lastEndpoint!);
      for (let i = 0; i < 3; i++) {
        await req.send(["hello", String(i), ""]);
        expect(text(await rep.receive())).toEqual(["hello", String(i), ""]);
        await rep.send(["world", String(i)]);
        expect(text(await req.receive())).toEqual(["world", String(i)]);
      }
    });
  }

  it("enforces strict alternation with EFSM", async () => {
    const rep = await bound(new Reply());
    const req = track(new Request());
    req.connect(rep.lastEndpoint!);
    await expect(req.receive()).rejects.toMatchObject({ code: "EFSM" });
    await expect(rep.send("x")).rejects.toMatchObject({ code: "EFSM" });
    await req.send("a");
    await expect(req.send("b")).rejects.toMatchObject({ code: "EFSM" });
    await rep.receive();
    await expect(rep.receive()).rejects.toMatchObject({ code: "EFSM" });
  });

  it("refuses a second concurrent receive instead of losing a request", async () => {
    const rep = await bound(new Reply());
    const first = rep.receive();
    await expect(rep.receive()).rejects.toMatchObject({ code: "EFSM" });
    const req = track(new Request());
    req.connect(rep.lastEndpoint!);
    await req.send("q");
    expect(text(await first)).toEqual(["q"]);
    const waiting = req.receive();
    await expect(req.receive()).rejects.toMatchObject({ code: "EFSM" });
    await rep.send("a");
    expect(text(await waiting)).toEqual(["a"]);
  });

  it("round-robins requests over several REP peers", async () => {
    const reps = [await bound(new Reply()), await bound(new Reply())];
    const req = track(new Request());
    for (const r of reps) req.connect(r.lastEndpoint!);
    // Wait until both connections are up, so that round-robin covers both.
    const seen = new Set<number>();
    const arm = (k: number) =>
      reps[k]!.receive().then(
        () => k,
        () => -1,
      );
    const pending = [arm(0), arm(1)];
    for (let i = 0; i < 4; i++) {
      await req.send(String(i));
      const which = await Promise.race(pending);
      seen.add(which);
      await reps[which]!.send("ok");
      pending[which] = arm(which);
      await req.receive();
    }
    expect(seen.size).toBe(2);
  });

  it("with relaxed and correlate, a new request can follow an unanswered one and only its reply is accepted", async () => {
    const router = await bound(new Router());
    const req = track(new Request({ relaxed: true, correlate: true }));
    req.connect(router.lastEndpoint!);
    await req.send("first");
    const first = await router.receive();
    expect(first).toHaveLength(4); // routing id, request id, delimiter, body
    await req.send("second");
    const second = await router.receive();
    await router.send([first[0]!, first[1]!, first[2]!, "late reply to first"]);
    await router.send([second[0]!, second[1]!, second[2]!, "reply to second"]);
    expect(text(await req.receive())).toEqual(["reply to second"]);
  });

  it("REP serves a DEALER that builds the envelope itself", async () => {
    const rep = await bound(new Reply());
    const dealer = track(new Dealer());
    dealer.connect(rep.lastEndpoint!);
    await dealer.send(["", "q"]);
    expect(text(await rep.receive())).toEqual(["q"]);
    await rep.send("a");
    expect(text(await dealer.receive())).toEqual(["", "a"]);
  });
});

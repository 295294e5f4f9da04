/**
 * The draft socket types (`plantrpc/zmq/draft`) on their own, with no native package: SERVER and
 * CLIENT, RADIO and DISH, GATHER and SCATTER over tcp, ipc and inproc (udp:// and DGRAM are
 * udp.test.ts's, inproc between threads inproc-threads.test.ts's). conformance/dropin-draft.test.ts
 * compares the same behaviour with libzmq's, but skips where the native package has no drafts.
 */
import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { Client, Datagram, Dish, Gather, Radio, Scatter, Server } from "../src/zmq/draft.js";
import { Dealer, Pull, Push, Router } from "../src/zmq/index.js";
import { settle, until } from "../conformance/helpers/wait.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { track } from "./helpers/sockets.js";

/** Each test ends within this, whatever goes wrong. */
const LIMIT_MS = 10_000;

let names = 0;
/** A fresh endpoint to bind, per transport: the OS chooses the port or the path. */
const TRANSPORTS: Record<string, () => string> = {
  tcp: () => "tcp://127.0.0.1:*",
  ipc: () => "ipc://*",
  inproc: () => `inproc://draft-sockets-${process.pid}-${++names}`,
};

const str = (b: Uint8Array) => Buffer.from(b).toString();

/** What an operation gives: "ok", or the error's code (TypeError: its message). */
async function outcome(f: () => unknown): Promise<string> {
  try {
    await f();
    return "ok";
  } catch (e) {
    return e instanceof TypeError ? `TypeError ${e.message}` : String((e as { code?: string }).code);
  }
}

/**
 * Sends a probe to `group` until the DISH receives one of that group: the DISH's JOIN has reached
 * the RADIO (over tcp, ipc and inproc a RADIO sends a group only to the peers that joined it).
 * Probes of other groups, and further probes, are left for the caller to skip (their body is "probe").
 */
async function joinedAt(radio: Radio, dish: Dish, group: string): Promise<void> {
  const timer = setInterval(() => void radio.send("probe", { group }).catch(() => {}), 10);
  try {
    for (;;) {
      const [, { group: got }] = await dish.receive();
      if (str(got) === group) return;
    }
  } finally {
    clearInterval(timer);
  }
}

/** The bodies a DISH receives, probes skipped, up to and with the first whose body is `last`. */
async function bodiesUntil(dish: Dish, last: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const [body, { group }] = await dish.receive();
    const text = str(body);
    if (text === "probe") continue;
    bodies.push(`${str(group)}:${text}`);
    if (text === last) return bodies;
  }
}

describe("draft sockets: what every type says of itself", () => {
  it("threadSafe is true for the draft types but DGRAM, false for the classic ones", () => {
    const draft = [new Server(), new Client(), new Radio(), new Dish(), new Gather(), new Scatter()].map((s) =>
      track(s),
    );
    expect(draft.map((s) => [s.socketType, s.threadSafe])).toEqual([
      ["SERVER", true],
      ["CLIENT", true],
      ["RADIO", true],
      ["DISH", true],
      ["GATHER", true],
      ["SCATTER", true],
    ]);
    expect(track(new Datagram()).threadSafe).toBe(false);
    for (const classic of [new Dealer(), new Router(), new Push(), new Pull()].map((s) => track(s))) {
      expect(classic.threadSafe).toBe(false);
    }
  });

  it("has libzmq's type numbers", () => {
    const types = [Server, Client, Radio, Dish, Gather, Scatter, Datagram].map((T) => track(new T()).type);
    expect(types).toEqual([12, 13, 14, 15, 16, 17, 18]);
  });

  it("the types that only send or only receive refuse the other way with ENOTSUP", async () => {
    const [radio, dish, gather, scatter] = [new Radio(), new Dish(), new Gather(), new Scatter()].map((s) => track(s));
    expect(await outcome(() => (radio as Radio).receive())).toBe("ENOTSUP");
    expect(await outcome(() => (dish as unknown as { send(m: string): Promise<void> }).send("x"))).toBe("ENOTSUP");
    expect(await outcome(() => (gather as unknown as { send(m: string): Promise<void> }).send("x"))).toBe("ENOTSUP");
    expect(await outcome(() => (scatter as Scatter).receive())).toBe("ENOTSUP");
  });
});

describe.each(Object.entries(TRANSPORTS))("SERVER and CLIENT over %s", (transport, endpoint) => {
  async function server(): Promise<Server> {
    const s = track(new Server());
    await s.bind(endpoint());
    return s;
  }
  function client(to: string): Client {
    const c = track(new Client());
    c.connect(to);
    return c;
  }

  it(
    "each message comes with its client's routing id; a reply by that id reaches that client alone",
    async () => {
      const s = await server();
      const clients = [0, 1, 2].map(() => client(s.lastEndpoint!));
      for (const [i, c] of clients.entries()) await c.send(`hello ${i}`);
      const idOf = new Map<string, number>();
      for (let i = 0; i < clients.length; i++) {
        const [body, { routingId }] = await s.receive();
        idOf.set(str(body), routingId);
      }
      const ids = [...idOf.values()];
      expect([...idOf.keys()].sort()).toEqual(["hello 0", "hello 1", "hello 2"]);
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(Number.isInteger(id) && id >= 1 && id <= 0xffff_ffff).toBe(true);
      // Replies in the reverse order of the ids: each goes by its id, not by turns.
      for (const i of [2, 1, 0]) await s.send(`re: hello ${i}`, { routingId: idOf.get(`hello ${i}`)! });
      for (const [i, c] of clients.entries()) expect((await c.receive()).map(str)).toEqual([`re: hello ${i}`]);
      // A client keeps its id from one message to the next.
      await clients[1]!.send("again");
      const [again, { routingId }] = await s.receive();
      expect([str(again), routingId]).toEqual(["again", idOf.get("hello 1")]);
    },
    LIMIT_MS,
  );

  it(
    "a routing id no client has is EHOSTUNREACH, and nothing is sent",
    async () => {
      const s = await server();
      const c = client(s.lastEndpoint!);
      await c.send("hi");
      const [, { routingId }] = await s.receive();
      const unknown = routingId === 1 ? 2 : 1;
      await expect(s.send("lost", { routingId: unknown })).rejects.toMatchObject({ code: "EHOSTUNREACH" });
      await s.send("kept", { routingId });
      expect((await c.receive()).map(str)).toEqual(["kept"]);
    },
    LIMIT_MS,
  );

  it(
    "a multipart send is EINVAL at either end, and nothing of it is sent",
    async () => {
      const s = await server();
      const c = client(s.lastEndpoint!);
      // As the native package's: EINVAL, "Invalid argument" (libzmq's thread-safe types take no ZMQ_SNDMORE).
      await expect(c.send(["a", "b"])).rejects.toMatchObject({ code: "EINVAL", message: "Invalid argument" });
      await c.send("single");
      const [body, { routingId }] = await s.receive();
      expect(str(body)).toBe("single");
      await expect(s.send(["a", "b"] as never, { routingId })).rejects.toMatchObject({ code: "EINVAL" });
      await s.send("one", { routingId });
      expect((await c.receive()).map(str)).toEqual(["one"]);
    },
    LIMIT_MS,
  );

  it(
    "a client that closes: its routing id is unknown from then on",
    async () => {
      // Ours, as server.ts says (the peer is gone: EHOSTUNREACH). The native package was seen to
      // give EAGAIN here over tcp a second after the close (libzmq keeping the pipe a while).
      const s = await server();
      const c = client(s.lastEndpoint!);
      await c.send("hi");
      const [, { routingId }] = await s.receive();
      if (transport === "inproc") {
        c.close();
        // inproc has no events (as libzmq's monitor): the SERVER is asked until it no longer knows the id.
        await until(async () => (await outcome(() => s.send("to the departed", { routingId }))) === "EHOSTUNREACH", {
          timeout: LIMIT_MS / 2,
          what: "the SERVER forgetting the departed client's routing id",
        });
      } else {
        const gone = s.events.once("disconnect");
        c.close();
        await gone;
        expect(await outcome(() => s.send("to the departed", { routingId }))).toBe("EHOSTUNREACH");
      }
    },
    LIMIT_MS,
  );
});

describe("SERVER and CLIENT: arguments, peers, routing", () => {
  it("a SERVER send checks its routing id as the native package does", async () => {
    const s = track(new Server());
    const send = (options: unknown) => outcome(() => s.send("x", options as never));
    expect({
      none: await send(undefined),
      empty: await send({}),
      zero: await send({ routingId: 0 }),
      negative: await send({ routingId: -1 }),
      fraction: await send({ routingId: 1.5 }),
      tooBig: await send({ routingId: 2 ** 32 }),
      text: await send({ routingId: "1" }),
      unknown: await send({ routingId: 2 ** 32 - 1 }),
    }).toEqual({
      none: "TypeError Options must be an object",
      empty: "EINVAL",
      zero: "EINVAL",
      negative: "EINVAL",
      fraction: "EINVAL",
      tooBig: "EINVAL",
      text: "TypeError A number was expected",
      unknown: "EHOSTUNREACH",
    });
  });

  it(
    "a multipart message from a peer is dropped by the SERVER, as libzmq's (a raw ZMTP CLIENT sends it)",
    async () => {
      const s = track(new Server());
      await s.bind("tcp://127.0.0.1:*");
      const peer = await RawPeer.connect(s.lastEndpoint!);
      track(peer);
      peer.handshake("CLIENT");
      peer.message([Buffer.from("multi"), Buffer.from("part")]);
      peer.message([Buffer.from("single")]);
      const [body] = await s.receive();
      expect(str(body)).toBe("single");
    },
    LIMIT_MS,
  );

  it(
    "a multipart message from a peer is dropped by the CLIENT (a raw ZMTP SERVER sends it)",
    async () => {
      const listener = net.createServer();
      await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
      track({ close: () => listener.close() });
      const accepted = new Promise<net.Socket>((r) => listener.once("connection", r));
      const c = track(new Client());
      c.connect(`tcp://127.0.0.1:${(listener.address() as net.AddressInfo).port}`);
      const peer = RawPeer.wrap(await accepted);
      track(peer);
      peer.handshake("SERVER");
      peer.message([Buffer.from("multi"), Buffer.from("part")]);
      peer.message([Buffer.from("single")]);
      expect((await c.receive()).map(str)).toEqual(["single"]);
    },
    LIMIT_MS,
  );

  it(
    "a SERVER takes CLIENT peers only: a DEALER's handshake fails",
    async () => {
      const s = track(new Server());
      await s.bind("tcp://127.0.0.1:*");
      const refused = s.events.once("handshake:error:protocol");
      const dealer = track(new Dealer());
      dealer.connect(s.lastEndpoint!);
      const { error } = await refused;
      expect({ code: error.code, detail: error.detail }).toEqual({
        code: "ERR_ZMTP_INVALID_METADATA",
        detail: "SERVER socket cannot talk to a DEALER",
      });
    },
    LIMIT_MS,
  );

  it(
    "a CLIENT load-balances over the SERVERs it is connected to, and takes replies from each",
    async () => {
      const servers = [track(new Server()), track(new Server())];
      for (const s of servers) await s.bind("tcp://127.0.0.1:*");
      const c = track(new Client());
      const handshakes = [c.events.once("handshake")];
      c.connect(servers[0]!.lastEndpoint!);
      await handshakes[0];
      const second = c.events.once("handshake");
      c.connect(servers[1]!.lastEndpoint!);
      await second;
      for (let i = 0; i < 6; i++) await c.send(`m${i}`);
      const got = await Promise.all(
        servers.map(async (s) => {
          const bodies: string[] = [];
          for (let i = 0; i < 3; i++) {
            const [body, { routingId }] = await s.receive();
            bodies.push(str(body));
            await s.send(`re: ${str(body)}`, { routingId });
          }
          return bodies;
        }),
      );
      // Turns: each SERVER every other message.
      expect(got.map((bodies) => bodies.map((b) => Number(b.slice(1)) % 2))).toEqual(
        expect.arrayContaining([
          [0, 0, 0],
          [1, 1, 1],
        ]),
      );
      const replies: string[] = [];
      for (let i = 0; i < 6; i++) replies.push(str((await c.receive())[0]));
      expect(replies.sort()).toEqual(["re: m0", "re: m1", "re: m2", "re: m3", "re: m4", "re: m5"]);
    },
    LIMIT_MS,
  );
});

describe.each(Object.entries(TRANSPORTS))("RADIO and DISH over %s", (_name, endpoint) => {
  /** A RADIO bound, and a DISH connected to it (or the other way round: `dishBinds`). */
  async function pair(dishBinds = false): Promise<{ radio: Radio; dish: Dish }> {
    const radio = track(new Radio());
    const dish = track(new Dish());
    const [binder, connector] = dishBinds ? [dish, radio] : [radio, dish];
    await binder.bind(endpoint());
    connector.connect(binder.lastEndpoint!);
    return { radio, dish };
  }

  it(
    "a DISH receives the groups it joined, exactly (no prefix, no case folding), with the group's name",
    async () => {
      const { radio, dish } = await pair();
      dish.join("weather", Buffer.from("news"));
      await joinedAt(radio, dish, "weather");
      await joinedAt(radio, dish, "news");
      for (const group of ["wea", "weather2", "Weather", "sports", "new"]) await radio.send("no", { group });
      await radio.send("sunny", { group: "weather" });
      await radio.send("election", { group: Buffer.from("news") });
      expect(await bodiesUntil(dish, "election")).toEqual(["weather:sunny", "news:election"]);
    },
    LIMIT_MS,
  );

  it(
    "leave() stops a group, join() after connecting starts one; the others go on",
    async () => {
      const { radio, dish } = await pair(true);
      dish.join("a", "b");
      await joinedAt(radio, dish, "a");
      await joinedAt(radio, dish, "b");
      dish.leave("a");
      dish.join("c");
      await joinedAt(radio, dish, "c");
      for (const group of ["a", "b", "c"]) await radio.send(`to ${group}`, { group });
      await radio.send("end", { group: "b" });
      expect(await bodiesUntil(dish, "end")).toEqual(["b:to b", "c:to c", "b:end"]);
      dish.join("a");
      await joinedAt(radio, dish, "a");
      await radio.send("a again", { group: "a" });
      expect(await bodiesUntil(dish, "a again")).toEqual(["a:a again"]);
    },
    LIMIT_MS,
  );

  it(
    "several DISHes: each receives the groups it joined, in the order sent",
    async () => {
      const radio = track(new Radio());
      await radio.bind(endpoint());
      const joins = [["a"], ["b"], ["a", "b"]];
      const dishes = joins.map((groups) => {
        const dish = track(new Dish());
        dish.join(...groups);
        dish.connect(radio.lastEndpoint!);
        return dish;
      });
      for (const [i, dish] of dishes.entries()) for (const group of joins[i]!) await joinedAt(radio, dish, group);
      for (const [body, group] of [
        ["1", "a"],
        ["2", "b"],
        ["3", "a"],
        ["4", "c"],
        ["end", "a"],
        ["end", "b"],
      ]) {
        await radio.send(body!, { group: group! });
      }
      expect(await bodiesUntil(dishes[0]!, "end")).toEqual(["a:1", "a:3", "a:end"]);
      expect(await bodiesUntil(dishes[1]!, "end")).toEqual(["b:2", "b:end"]);
      const both = await bodiesUntil(dishes[2]!, "end");
      both.push(...(await bodiesUntil(dishes[2]!, "end")));
      expect(both).toEqual(["a:1", "b:2", "a:3", "a:end", "b:end"]);
    },
    LIMIT_MS,
  );

  it(
    "a group has at most 255 octets; one with a zero octet is what comes before it; the empty group is a group",
    async () => {
      const { radio, dish } = await pair();
      const longest = "g".repeat(255);
      expect(await outcome(() => dish.join("g".repeat(256)))).toBe("EINVAL");
      dish.join(longest, "ab\u0000cd", "");
      await joinedAt(radio, dish, longest);
      await joinedAt(radio, dish, "ab");
      await joinedAt(radio, dish, "");
      // Longer than any DISH may join: sent to nobody (the native package's send also resolves).
      await radio.send("too long", { group: `${longest}g` });
      await radio.send("longest", { group: longest });
      await radio.send("zero", { group: "ab\u0000zz" });
      await radio.send("empty", { group: "" });
      const got = await bodiesUntil(dish, "empty");
      expect(got.map((g) => g.replace(longest, "255 octets"))).toEqual(["255 octets:longest", "ab:zero", ":empty"]);
    },
    LIMIT_MS,
  );
});

describe("RADIO and DISH: arguments, and the RADIO's own filtering", () => {
  it("join() and leave() check their groups; a RADIO send needs a group and one frame", async () => {
    const dish = track(new Dish());
    const radio = track(new Radio());
    expect({
      twice: await outcome(() => dish.join("g", "g")),
      leaveUnknown: await outcome(() => dish.leave("nope")),
      number: await outcome(() => dish.join(5 as never)),
      radioNoOptions: await outcome(() => radio.send("x", undefined as never)),
      radioNoGroup: await outcome(() => radio.send("x", {} as never)),
      radioMultipart: await outcome(() => radio.send(["x", "y"] as never, { group: "g" })),
    }).toEqual({
      twice: "EINVAL",
      leaveUnknown: "EINVAL",
      number: "TypeError Value must be a string or buffer",
      radioNoOptions: "TypeError Options must be an object",
      radioNoGroup: "EINVAL",
      radioMultipart: "EINVAL",
    });
    // The first "g" of join("g", "g") was joined before the second failed: it can be left once.
    expect(await outcome(() => dish.leave("g"))).toBe("ok");
    expect(await outcome(() => dish.leave("g"))).toBe("EINVAL");
  });

  it(
    "over tcp the RADIO sends a peer only the groups it JOINed (a raw ZMTP DISH sees the wire)",
    async () => {
      const radio = track(new Radio());
      await radio.bind("tcp://127.0.0.1:*");
      const peer = await RawPeer.connect(radio.lastEndpoint!);
      track(peer);
      peer.handshake("DISH");
      peer.command("JOIN", Buffer.from("g1"));
      // A JOIN longer than any group may be: ignored, its group not sent.
      peer.command("JOIN", Buffer.alloc(256, 0x61));
      /** The [group, body] pairs received so far, as text. */
      const pairs = () => {
        const frames = peer.frames.filter((f) => !(f.flags & 0x04)).map((f) => f.body.toString("latin1"));
        const out: string[] = [];
        for (let i = 0; i + 1 < frames.length; i += 2) out.push(`${frames[i]!.slice(0, 8)}:${frames[i + 1]}`);
        return out;
      };
      let round = 0;
      const timer = setInterval(() => {
        round++;
        void radio.send(`x${round}`, { group: "g2" });
        void radio.send(`x${round}`, { group: "a".repeat(256) });
        void radio.send(`y${round}`, { group: "g1" });
      }, 10);
      try {
        await peer.until(() => pairs().length > 0);
      } finally {
        clearInterval(timer);
      }
      expect(pairs().every((p) => p.startsWith("g1:y"))).toBe(true);
      // LEAVE, then JOIN another: once the JOIN has taken effect, so has the LEAVE before it.
      peer.command("LEAVE", Buffer.from("g1"));
      peer.command("JOIN", Buffer.from("g3"));
      const before = pairs().length;
      const probe = setInterval(() => void radio.send("probe", { group: "g3" }), 10);
      try {
        await peer.until(() =>
          pairs()
            .slice(before)
            .some((p) => p === "g3:probe"),
        );
      } finally {
        clearInterval(probe);
      }
      await radio.send("left", { group: "g1" });
      await radio.send("last", { group: "g3" });
      await peer.until(() => pairs().includes("g3:last"));
      const after = pairs().slice(pairs().lastIndexOf("g3:probe") + 1);
      expect(after).toEqual(["g3:last"]);
    },
    LIMIT_MS,
  );
});

/**
 * No event says that every peer's messages have reached a receiving socket: the fair-queueing
 * test waits this long before reading, as libzmq's own test_spec_pushpull.cpp (SETTLE_TIME).
 */
const SETTLE_MS = 200;

describe.each(Object.entries(TRANSPORTS))("GATHER and SCATTER over %s", (_name, endpoint) => {
  it(
    "one frame per message: a multipart send is EINVAL and sends nothing",
    async () => {
      const gather = track(new Gather());
      await gather.bind(endpoint());
      const scatter = track(new Scatter());
      scatter.connect(gather.lastEndpoint!);
      await expect(scatter.send(["a", "b"])).rejects.toMatchObject({ code: "EINVAL" });
      for (const m of ["a", "b", "c"]) await scatter.send(m);
      const got: string[][] = [];
      for (let i = 0; i < 3; i++) got.push((await gather.receive()).map(str));
      expect(got).toEqual([["a"], ["b"], ["c"]]);
    },
    LIMIT_MS,
  );

  it(
    "a SCATTER load-balances over its GATHER peers: each gets every third message, in order",
    async () => {
      const gathers = [track(new Gather()), track(new Gather()), track(new Gather())];
      const scatter = track(new Scatter());
      for (const g of gathers) {
        await g.bind(endpoint());
        scatter.connect(g.lastEndpoint!);
      }
      for (let i = 0; i < 9; i++) await scatter.send(String(i));
      const got = await Promise.all(
        gathers.map(async (g) => {
          const bodies: number[] = [];
          for (let i = 0; i < 3; i++) bodies.push(Number(str((await g.receive())[0])));
          return bodies;
        }),
      );
      expect(got.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      for (const bodies of got) expect([bodies[1]! - bodies[0]!, bodies[2]! - bodies[1]!]).toEqual([3, 3]);
    },
    LIMIT_MS,
  );

  it(
    "a GATHER receives every message of every SCATTER, each one's in the order it sent them",
    async () => {
      const gather = track(new Gather());
      await gather.bind(endpoint());
      const scatters = [track(new Scatter()), track(new Scatter()), track(new Scatter())];
      for (const s of scatters) s.connect(gather.lastEndpoint!);
      const sending = scatters.map(async (s, i) => {
        for (let n = 0; n < 100; n++) await s.send(`${i}:${n}`);
      });
      const from: number[][] = [[], [], []];
      for (let k = 0; k < 300; k++) {
        const [peer, n] = str((await gather.receive())[0])
          .split(":")
          .map(Number);
        from[peer!]!.push(n!);
      }
      await Promise.all(sending);
      const expected = Array.from({ length: 100 }, (_, n) => n);
      expect(from).toEqual([expected, expected, expected]);
    },
    LIMIT_MS,
  );

  // libzmq's fq_t takes one message from each peer in turn (routing/fair-queue.ts here): the
  // native package gives "0 first, 1 first, 2 first, 0 second, ..." (test_spec_pushpull).
  it(
    "a GATHER fair-queues: with messages waiting from each SCATTER, it takes one from each in turn (libzmq's test_spec_pushpull)",
    async () => {
      const gather = track(new Gather());
      await gather.bind(endpoint());
      const scatters = [track(new Scatter()), track(new Scatter()), track(new Scatter())];
      for (const s of scatters) s.connect(gather.lastEndpoint!);
      for (const [i, s] of scatters.entries()) {
        await s.send(`${i} first`);
        await s.send(`${i} second`);
      }
      await settle(SETTLE_MS); // no event: see SETTLE_MS
      const order: string[] = [];
      for (let i = 0; i < 6; i++) order.push(str((await gather.receive())[0]));
      expect(order.slice(0, 3).sort()).toEqual(["0 first", "1 first", "2 first"]);
      expect(order.slice(3).sort()).toEqual(["0 second", "1 second", "2 second"]);
    },
    LIMIT_MS,
  );
});

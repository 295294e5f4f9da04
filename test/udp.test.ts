/**
 * udp:// on its own, with no native package (transport/udp.ts, engine/udp-connection.ts): RADIO
 * and DISH (a datagram per message: group length, group, body; no JOIN over UDP, the DISH keeps
 * what it joined) and DGRAM (bare datagrams to and from "ip:port"), on the loopback interface,
 * ports chosen by the OS. conformance/dropin-draft.test.ts compares the same with libzmq's, but
 * skips where the native package has no drafts.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { describe, expect, it } from "vitest";
import { Client, Datagram, Dish, Gather, Radio, Scatter, Server } from "../src/zmq/draft.js";
import { Pair } from "../src/zmq/index.js";
import { track } from "./helpers/sockets.js";

/** Each test ends within this, whatever goes wrong. */
const LIMIT_MS = 10_000;

const str = (b: Uint8Array) => Buffer.from(b).toString("latin1");

/** The port of a `udp://host:port` endpoint. */
function portOf(endpoint: string): number {
  const m = /^udp:\/\/127\.0\.0\.1:(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`not a loopback udp endpoint: ${endpoint}`);
  return Number(m[1]);
}

/** A plain node:dgram socket on a port the OS chose: a stranger to the sockets under test. */
async function stranger(): Promise<{ socket: UdpSocket; port: number; inbox: Promise<[Buffer, number]> }> {
  const socket = createSocket("udp4");
  track({ close: () => socket.close() });
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  const inbox = new Promise<[Buffer, number]>((resolve) =>
    socket.once("message", (m: Buffer, from: { port: number }) => resolve([m, from.port])),
  );
  return { socket, port: socket.address().port, inbox };
}

/** A datagram sent from `socket` to the loopback `port`. */
function sendTo(socket: UdpSocket, port: number, datagram: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => socket.send(datagram, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
}

/** A RADIO/DISH datagram: group length, group, body. */
function groupDatagram(group: string, body: string): Buffer {
  const g = Buffer.from(group, "latin1");
  return Buffer.concat([Buffer.from([g.length]), g, Buffer.from(body, "latin1")]);
}

async function dishOnUdp(...groups: string[]): Promise<Dish> {
  const dish = track(new Dish());
  dish.join(...groups);
  await dish.bind("udp://127.0.0.1:*");
  return dish;
}

/**
 * Sends a probe to `group` until the DISH receives one: the RADIO's link is up (over UDP it is
 * made in the background, and what a RADIO sends before it has a link goes nowhere).
 */
async function linked(radio: Radio, dish: Dish, group: string): Promise<void> {
  const timer = setInterval(() => void radio.send("probe", { group }).catch(() => {}), 10);
  try {
    for (;;) {
      const [body, meta] = await dish.receive();
      if (str(body) === "probe" && str(meta.group) === group) return;
    }
  } finally {
    clearInterval(timer);
  }
}

/** The DISH's messages, probes skipped, up to and with the first whose body is `last`: "group:body". */
async function bodiesUntil(dish: Dish, last: string): Promise<string[]> {
  const got: string[] = [];
  for (;;) {
    const [body, { group }] = await dish.receive();
    if (str(body) === "probe") continue;
    got.push(`${str(group)}:${str(body)}`);
    if (str(body) === last) return got;
  }
}

describe("udp:// endpoints", () => {
  it(
    "a DISH or DGRAM binds a port the OS chooses (`*` or 0), and lastEndpoint names it",
    async () => {
      for (const [Type, at] of [
        [Dish, "udp://127.0.0.1:*"],
        [Dish, "udp://127.0.0.1:0"],
        [Datagram, "udp://127.0.0.1:*"],
      ] as const) {
        const socket = track(new Type());
        await socket.bind(at);
        expect(socket.lastEndpoint).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
        expect(portOf(socket.lastEndpoint!)).toBeGreaterThan(0);
      }
    },
    LIMIT_MS,
  );

  it(
    "a port already taken is EADDRINUSE; once unbound, the port is free again",
    async () => {
      const taken = await stranger();
      const dish = track(new Dish());
      await expect(dish.bind(`udp://127.0.0.1:${taken.port}`)).rejects.toMatchObject({ code: "EADDRINUSE" });
      await dish.bind("udp://127.0.0.1:*");
      const endpoint = dish.lastEndpoint!;
      await dish.unbind(endpoint);
      // Bound by a plain socket now: the DISH let it go.
      const again = createSocket("udp4");
      track({ close: () => again.close() });
      await new Promise<void>((resolve, reject) => {
        again.once("error", reject);
        again.bind(portOf(endpoint), "127.0.0.1", resolve);
      });
    },
    LIMIT_MS,
  );

  it("only RADIO, DISH and DGRAM take udp://, each its own way (ENOCOMPATPROTO); multicast is EINVAL", async () => {
    const outcome = async (f: () => unknown) => {
      try {
        await f();
        return "ok";
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    const at = "udp://127.0.0.1:9";
    expect({
      radioBinds: await outcome(() => track(new Radio()).bind(at)),
      radioConnects: await outcome(() => track(new Radio()).connect(at)),
      dishConnects: await outcome(() => track(new Dish()).connect(at)),
      dgramConnects: await outcome(() => track(new Datagram()).connect(at)),
      server: await outcome(() => track(new Server()).connect(at)),
      client: await outcome(() => track(new Client()).connect(at)),
      gather: await outcome(() => track(new Gather()).bind(at)),
      scatter: await outcome(() => track(new Scatter()).connect(at)),
      pair: await outcome(() => track(new Pair()).bind(at)),
      multicast: await outcome(() => track(new Dish()).bind("udp://127.0.0.1;239.0.0.1:5555")),
      connectToAnyPort: await outcome(() => track(new Radio()).connect("udp://127.0.0.1:*")),
    }).toEqual({
      radioBinds: "ENOCOMPATPROTO",
      radioConnects: "ok",
      dishConnects: "ok",
      dgramConnects: "ok",
      server: "ENOCOMPATPROTO",
      client: "ENOCOMPATPROTO",
      gather: "ENOCOMPATPROTO",
      scatter: "ENOCOMPATPROTO",
      pair: "ENOCOMPATPROTO",
      multicast: "EINVAL",
      connectToAnyPort: "EINVAL",
    });
  });
});

describe("RADIO and DISH over udp://", () => {
  it(
    "the RADIO sends every group; the DISH keeps the ones it joined, in order",
    async () => {
      const dish = await dishOnUdp("g1");
      const radio = track(new Radio());
      radio.connect(dish.lastEndpoint!);
      await linked(radio, dish, "g1");
      for (let i = 0; i < 5; i++) {
        await radio.send(`not joined ${i}`, { group: "g2" });
        await radio.send(`not joined ${i}`, { group: "g" });
        await radio.send(`joined ${i}`, { group: "g1" });
      }
      expect(await bodiesUntil(dish, "joined 4")).toEqual([0, 1, 2, 3, 4].map((i) => `g1:joined ${i}`));
    },
    LIMIT_MS,
  );

  it(
    "join() and leave() take effect at once (nothing to tell the RADIO over UDP)",
    async () => {
      const dish = await dishOnUdp("a");
      const radio = track(new Radio());
      radio.connect(dish.lastEndpoint!);
      await linked(radio, dish, "a");
      dish.leave("a");
      dish.join("b");
      await radio.send("to a", { group: "a" });
      await radio.send("to b", { group: "b" });
      expect(await bodiesUntil(dish, "to b")).toEqual(["b:to b"]);
      dish.join("a");
      await radio.send("to a again", { group: "a" });
      expect(await bodiesUntil(dish, "to a again")).toEqual(["a:to a again"]);
    },
    LIMIT_MS,
  );

  it(
    "groups up to 255 octets; a longer group, or a datagram over 8192 octets, is not sent",
    async () => {
      const longest = "g".repeat(255);
      const dish = await dishOnUdp(longest, "big");
      const radio = track(new Radio());
      radio.connect(dish.lastEndpoint!);
      await linked(radio, dish, "big");
      await radio.send("too long a group", { group: `${longest}g` });
      await radio.send("longest group", { group: longest });
      // 1 + 3 + 8188 = 8192 octets: sent; one more, not (libzmq's MAX_UDP_MSG).
      await radio.send(Buffer.alloc(8189, 0x78), { group: "big" });
      await radio.send(Buffer.alloc(8188, 0x79), { group: "big" });
      await radio.send("end", { group: "big" });
      const got = await bodiesUntil(dish, "end");
      expect(got.map((m) => m.replace(longest, "255 octets").replace(/^(big:)(.)\2+$/, (_, g, c) => g + c))).toEqual([
        "255 octets:longest group",
        "big:y",
        "big:end",
      ]);
      expect(got[1]).toBe(`big:${"y".repeat(8188)}`);
    },
    LIMIT_MS,
  );

  it(
    "a DISH takes datagrams from several RADIOs",
    async () => {
      const dish = await dishOnUdp("g");
      const radios = [track(new Radio()), track(new Radio())];
      for (const radio of radios) radio.connect(dish.lastEndpoint!);
      for (const radio of radios) await linked(radio, dish, "g");
      await radios[0]!.send("from 0", { group: "g" });
      const first = await bodiesUntil(dish, "from 0");
      await radios[1]!.send("from 1", { group: "g" });
      const second = await bodiesUntil(dish, "from 1");
      expect([first, second]).toEqual([["g:from 0"], ["g:from 1"]]);
    },
    LIMIT_MS,
  );

  it(
    "a stranger's datagrams: malformed ones are ignored, well-formed ones are taken (UDP has no peers), the DISH goes on",
    async () => {
      const dish = await dishOnUdp("g");
      const port = portOf(dish.lastEndpoint!);
      const { socket } = await stranger();
      for (const datagram of [
        Buffer.alloc(0), // no group length
        Buffer.from([5, 0x67]), // a group longer than the datagram
        Buffer.from([255]),
        Buffer.concat([Buffer.from([200]), Buffer.alloc(100, 0x67)]),
        groupDatagram("other", "not joined"),
      ]) {
        await sendTo(socket, port, datagram);
      }
      await sendTo(socket, port, groupDatagram("g", "from a stranger"));
      const [body, { group }] = await dish.receive();
      expect([str(body), str(group)]).toEqual(["from a stranger", "g"]);
      // An empty body is a message too.
      await sendTo(socket, port, groupDatagram("g", ""));
      expect(str((await dish.receive())[0])).toBe("");
      const radio = track(new Radio());
      radio.connect(dish.lastEndpoint!);
      await linked(radio, dish, "g");
    },
    LIMIT_MS,
  );

  it(
    "a closed DISH frees its port, and a RADIO whose DISH is gone goes on sending (UDP: nobody to tell it)",
    async () => {
      const dish = await dishOnUdp("g");
      const endpoint = dish.lastEndpoint!;
      const radio = track(new Radio());
      radio.connect(endpoint);
      await linked(radio, dish, "g");
      dish.close();
      await radio.send("into the void", { group: "g" });
      const next = track(new Dish());
      next.join("g");
      await next.bind(endpoint);
      await linked(radio, next, "g");
    },
    LIMIT_MS,
  );
});

describe("DGRAM over udp://", () => {
  async function dgram(): Promise<{ socket: Datagram; port: number }> {
    const socket = track(new Datagram());
    await socket.bind("udp://127.0.0.1:*");
    return { socket, port: portOf(socket.lastEndpoint!) };
  }

  it(
    "sends [address, body] to that address; receives [sender's address with a zero octet, body]; replies go back by it",
    async () => {
      const [a, b] = [await dgram(), await dgram()];
      await b.socket.send([`127.0.0.1:${a.port}`, "hi"]);
      const [from, body] = await a.socket.receive();
      expect([str(from), str(body)]).toEqual([`127.0.0.1:${b.port}\0`, "hi"]);
      await a.socket.send([from, "re: hi"]);
      const [replyFrom, reply] = await b.socket.receive();
      expect([str(replyFrom), str(reply)]).toEqual([`127.0.0.1:${a.port}\0`, "re: hi"]);
    },
    LIMIT_MS,
  );

  it(
    "talks with plain UDP sockets: takes a stranger's datagram, and answers it",
    async () => {
      const a = await dgram();
      const other = await stranger();
      await sendTo(other.socket, a.port, Buffer.from("plain"));
      const [from, body] = await a.socket.receive();
      expect([str(from), str(body)]).toEqual([`127.0.0.1:${other.port}\0`, "plain"]);
      await a.socket.send([from, Buffer.alloc(0)]);
      const [answer, answeredFrom] = await other.inbox;
      expect([answer.length, answeredFrom]).toEqual([0, a.port]);
    },
    LIMIT_MS,
  );

  it(
    "a DGRAM that connects sends from a port of its own, and receives the answers there",
    async () => {
      const b = await dgram();
      const a = track(new Datagram());
      a.connect(b.socket.lastEndpoint!);
      await a.send([`127.0.0.1:${b.port}`, "from a connect"]);
      const [from, body] = await b.socket.receive();
      expect(str(body)).toBe("from a connect");
      expect(str(from)).toMatch(/^127\.0\.0\.1:\d+\0$/);
      expect(str(from)).not.toBe(`127.0.0.1:${b.port}\0`);
      await b.socket.send([from, "answer"]);
      expect(str((await a.receive())[1])).toBe("answer");
    },
    LIMIT_MS,
  );

  it(
    "a message is two frames (EINVAL otherwise); one to an address that does not parse is dropped",
    async () => {
      const [a, b] = [await dgram(), await dgram()];
      await expect(a.socket.send("one frame" as never)).rejects.toMatchObject({ code: "EINVAL" });
      await expect(a.socket.send(["127.0.0.1:1", "b", "c"] as never)).rejects.toMatchObject({ code: "EINVAL" });
      for (const address of [
        "nonsense",
        `localhost:${b.port}`, // IPv4 numbers only, as libzmq's resolve_raw_address
        "127.0.0.1:0",
        "127.0.0.1:65536",
        `127.0.0.1:${b.port}\0\0`,
        `127.0.0.1:${b.port}x`,
      ]) {
        await a.socket.send([address, `to ${address}`]);
      }
      await a.socket.send([`127.0.0.1:${b.port}`, "parsed"]);
      const [, body] = await b.socket.receive();
      expect(str(body)).toBe("parsed");
    },
    LIMIT_MS,
  );

  it(
    "a datagram over 8192 octets is not sent (libzmq's MAX_UDP_MSG); one of 8192 is",
    async () => {
      const [a, b] = [await dgram(), await dgram()];
      const to = `127.0.0.1:${b.port}`;
      await a.socket.send([to, Buffer.alloc(8193, 1)]);
      await a.socket.send([to, Buffer.alloc(8192, 2)]);
      const [, body] = await b.socket.receive();
      expect([body.length, body[0]]).toEqual([8192, 2]);
    },
    LIMIT_MS,
  );

  it(
    "with no link yet, a send waits (sendTimeout turns the wait into EAGAIN)",
    async () => {
      const lonely = track(new Datagram({ sendTimeout: 50 }));
      await expect(lonely.send(["127.0.0.1:9", "nowhere"])).rejects.toMatchObject({ code: "EAGAIN" });
    },
    LIMIT_MS,
  );
});

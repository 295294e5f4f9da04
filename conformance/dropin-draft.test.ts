/**
 * Drop-in, differential: the draft sockets (`plantrpc/zmq/draft` against the native package's
 * `zeromq/draft`, libzmq 4.3.5 built with drafts). Each scenario runs with both ends from one
 * library and must give the same outcome; then each pair talks across the two libraries, in
 * both roles, over tcp: interoperability on the wire (JOIN/LEAVE commands, group frames, the
 * draft socket types in the handshake).
 */
import { createSocket } from "node:dgram";
import { describe, expect, it } from "vitest";
import * as oursDraft from "../src/zmq/draft.js";
import { type Lib, nativeMissing, runOn, type Scope, sendUntil } from "./dropin/harness.js";

let nativeDraft: Lib | undefined;
try {
  nativeDraft = nativeMissing ? undefined : await import("zeromq/draft.js");
} catch {
  nativeDraft = undefined;
}
const skip = nativeDraft === undefined || !(nativeDraft as { Server?: unknown }).Server;

type Scenario = (bind: Scope, connect: Scope) => Promise<unknown>;

/**
 * A UDP port the OS chose, free a moment ago: libzmq's udp:// binds no wildcard port (the
 * native package's lastEndpoint then says `127.0.0.1:*`), so both libraries get a real one.
 */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

const SCENARIOS: Record<string, Scenario> = {
  "SERVER and CLIENT: numbered peers, replies by number": async (a, b) => {
    const server = a.socket("Server");
    await server.bind("tcp://127.0.0.1:*");
    const clients = [b.socket("Client"), b.socket("Client")];
    for (const c of clients) c.connect(server.lastEndpoint);
    const ids: number[] = [];
    for (const [i, c] of clients.entries()) {
      await c.send(`hello ${i}`);
      const [message, { routingId }] = await server.receive();
      ids.push(routingId);
      await server.send(`re: ${message}`, { routingId });
    }
    const replies = await Promise.all(clients.map(async (c) => String((await c.receive())[0])));
    return {
      replies,
      distinct: ids[0] !== ids[1],
      numbers: ids.every((id) => Number.isInteger(id) && id > 0 && id < 2 ** 32),
    };
  },
  "RADIO and DISH: exact groups, joined and left": async (a, b) => {
    const radio = a.socket("Radio");
    await radio.bind("tcp://127.0.0.1:*");
    const dish = b.socket("Dish");
    dish.join("weather", Buffer.from("news"));
    dish.connect(radio.lastEndpoint);
    const [first, { group }]: [Buffer, { group: Buffer }] = await sendUntil(
      () => radio.send("sunny", { group: "weather" }),
      dish.receive(),
    );
    // Once joined, the others arrive in order; "wea" (a prefix) and "sports" are not joined.
    await radio.send("no", { group: "wea" });
    await radio.send("no", { group: "sports" });
    await radio.send("election", { group: "news" });
    const [second, meta] = await dish.receive();
    dish.leave("news");
    // The LEAVE has reached the RADIO once a JOIN sent after it on the same connection has.
    dish.join("probe");
    await sendUntil(() => radio.send("probe", { group: "probe" }), dish.receive());
    await radio.send("left", { group: "news" });
    await radio.send("rain", { group: "weather" });
    let [third, thirdMeta]: [Buffer, { group: Buffer }] = await dish.receive();
    // Skipped: the probes sent before the first one arrived.
    while (String(thirdMeta.group) === "probe") [third, thirdMeta] = await dish.receive();
    return [String(first), String(group), String(second), String(meta.group), String(third)];
  },
  "RADIO and DISH over udp://: every group sent, the DISH keeps what it joined": async (a, b) => {
    const port = await freeUdpPort();
    const dish = a.socket("Dish");
    await dish.bind(`udp://127.0.0.1:${port}`);
    dish.join("g1");
    const radio = b.socket("Radio");
    radio.connect(`udp://127.0.0.1:${port}`);
    const send = async () => {
      await radio.send("not joined", { group: "g2" });
      await radio.send("joined", { group: "g1" });
    };
    const [message, { group }]: [Buffer, { group: Buffer }] = await sendUntil(send, dish.receive());
    return [String(message), String(group)];
  },
  "DGRAM: datagrams to an address, received with the sender's": async (a, b) => {
    const [portA, portB] = [await freeUdpPort(), await freeUdpPort()];
    const first = a.socket("Datagram");
    await first.bind(`udp://127.0.0.1:${portA}`);
    const second = b.socket("Datagram");
    await second.bind(`udp://127.0.0.1:${portB}`);
    const [from, body]: Buffer[] = await sendUntil(() => second.send([`127.0.0.1:${portA}`, "hi"]), first.receive());
    await first.send([from, `re: ${body}`]);
    const [replyFrom, reply] = await second.receive();
    // The address frame ends with a zero octet (libzmq's C string), shown as \0.
    const shown = (address: Buffer, port: number, name: string) =>
      String(address).replace(String(port), name).replace("\0", "\\0");
    return {
      from: shown(from!, portB, "B"),
      replyFrom: shown(replyFrom, portA, "A"),
      reply: String(reply),
    };
  },
  "a group with a zero octet is what comes before it (libzmq's C string)": async (a, b) => {
    const dish = a.socket("Dish");
    await dish.bind("tcp://127.0.0.1:*");
    dish.join("ab\u0000cd");
    const radio = b.socket("Radio");
    radio.connect(dish.lastEndpoint);
    const send = () => radio.send("to ab", { group: "ab" });
    const [body] = (await sendUntil(send, dish.receive())) as Buffer[];
    return String(body);
  },
  "GATHER and SCATTER: one frame per message, load-balanced": async (a, b) => {
    const gather = a.socket("Gather");
    await gather.bind("tcp://127.0.0.1:*");
    const scatter = b.socket("Scatter");
    scatter.connect(gather.lastEndpoint);
    for (const m of ["a", "b", "c"]) await scatter.send(m);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(...(await gather.receive()).map(String));
    return got;
  },
};

async function runPair(bindLib: Lib, connectLib: Lib, scenario: Scenario): Promise<unknown> {
  let connectScope: Scope | undefined;
  const outcome = await runOn(bindLib, async (bindScope) => {
    const inner = await runOn(connectLib, async (scope) => {
      connectScope = scope;
      return scenario(bindScope, scope);
    });
    return inner;
  });
  connectScope?.close();
  return outcome;
}

describe.skipIf(skip)("draft sockets (differential: zeromq/draft and plantrpc/zmq/draft)", () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`${name}: the same outcome, and across the two libraries in both roles`, async () => {
      const theirs = await runPair(nativeDraft, nativeDraft, scenario);
      const mine = await runPair(oursDraft, oursDraft, scenario);
      const nativeBinds = await runPair(nativeDraft, oursDraft, scenario);
      const oursBinds = await runPair(oursDraft, nativeDraft, scenario);
      expect({ mine, nativeBinds, oursBinds }).toEqual({ mine: theirs, nativeBinds: theirs, oursBinds: theirs });
      expect(theirs).toMatchSnapshot();
    });
  }

  it("argument checks as the native package's", async () => {
    const checks = async ({ socket }: Scope) => {
      const outcome = async (f: () => unknown) => {
        try {
          await f();
          return "ok";
        } catch (e) {
          const err = e as { code?: string; message: string };
          return e instanceof TypeError ? `TypeError ${err.message}` : `${err.code} ${err.message}`;
        }
      };
      const server = socket("Server");
      await server.bind("tcp://127.0.0.1:*");
      const radio = socket("Radio");
      const dish = socket("Dish");
      return {
        serverNoId: await outcome(() => server.send("x", {})),
        serverTextId: await outcome(() => server.send("x", { routingId: "a" })),
        serverZero: await outcome(() => server.send("x", { routingId: 0 })),
        serverMultipart: await outcome(() => server.send(["a", "b"], { routingId: 1 })),
        serverUnknown: await outcome(() => server.send("x", { routingId: 12345 })),
        serverNoOptions: await outcome(() => server.send("x")),
        radioNoOptions: await outcome(() => radio.send("x")),
        radioNoGroup: await outcome(() => radio.send("x", {})),
        radioMultipart: await outcome(() => radio.send(["x", "y"], { group: "g" })),
        dishTwice: await outcome(() => {
          dish.join("g");
          dish.join("g");
        }),
        dishLeaveUnknown: await outcome(() => dish.leave("nope")),
        dishLong: await outcome(() => dish.join("a".repeat(256))),
        dishNumber: await outcome(() => dish.join(5)),
        radioBindsUdp: await outcome(() => radio.bind("udp://127.0.0.1:9")),
        serverConnectsUdp: await outcome(() => server.connect("udp://127.0.0.1:9")),
        dgramOneFrame: await outcome(async () => {
          const dgram = socket("Datagram");
          await dgram.bind(`udp://127.0.0.1:${await freeUdpPort()}`);
          await dgram.send("x");
        }),
        state: ["Server", "Client", "Radio", "Dish", "Gather", "Scatter", "Datagram"].map((t) => {
          const s = socket(t);
          return [t, s.type, s.readable, s.writable, s.threadSafe, s.securityMechanism, s.closed, s.lastEndpoint];
        }),
      };
    };
    const [theirs, mine] = [await runOn(nativeDraft, checks), await runOn(oursDraft, checks)];
    expect(mine).toEqual(theirs);
    expect(theirs).toMatchSnapshot();
  });
});

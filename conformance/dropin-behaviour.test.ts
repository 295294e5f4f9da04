/**
 * Drop-in, differential: what options do (conflate, invertMatching, probeRouter,
 * welcomeMessage, noDrop), against the native `zeromq` package.
 */
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { both, nativeMissing, type Scope, sendUntil } from "./dropin/harness.js";
import { settle } from "./helpers/wait.js";

/**
 * One scenario on both libraries: ours must give the native package's outcome, which `expected`
 * shows at the test (an inline snapshot: what the native package does, readable in place).
 */
function differential(name: string, scenario: (scope: Scope) => unknown, expected: (outcome: unknown) => void): void {
  it.skipIf(nativeMissing !== undefined)(name, async () => {
    const [theirs, mine] = await both(scenario);
    expect(mine).toEqual(theirs);
    expected(theirs);
  });
}

const strings = (frames: Buffer[]) => frames.map((f) => f.toString());

describe("inproc flow (differential)", () => {
  differential(
    "a receiver that does not read holds its sender back: sends wait before 200,000 messages",
    async ({ socket }: Scope) => {
      const pull = socket("Pull");
      await pull.bind(`inproc://dropin-flow-${Math.random()}`);
      const push = socket("Push", { sendTimeout: 0 });
      push.connect(pull.lastEndpoint);
      let sent = 0;
      try {
        for (; sent < 200_000; sent++) await push.send(`message ${sent}`);
      } catch (e) {
        return [(e as { code: string }).code, sent < 200_000];
      }
      return ["all sent", sent];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "EAGAIN",
          true,
        ],
      }
    `),
  );

  differential(
    "a receive loop over inproc lets timers run between messages",
    async ({ socket }: Scope) => {
      const pull = socket("Pull");
      await pull.bind(`inproc://dropin-timers-${Math.random()}`);
      const push = socket("Push");
      push.connect(pull.lastEndpoint);
      const n = 20_000;
      const sending = (async () => {
        for (let i = 0; i < n; i++) await push.send(`m${i}`);
      })();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      let received = 0;
      for await (const _ of pull) if (++received === n) break;
      clearInterval(timer);
      await sending;
      return [received, ticks > 0];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          20000,
          true,
        ],
      }
    `),
  );
});

describe("inproc names belong to a context (differential)", () => {
  differential(
    "two contexts and the global one each bind the same name; a connect reaches its own context's only",
    async ({ lib, socket }: Scope) => {
      const name = `inproc://dropin-contexts-${Math.random()}`;
      const [a, b] = [new lib.Context(), new lib.Context()];
      await socket("Pull", { context: a }).bind(name);
      const inB = socket("Pull", { context: b });
      await inB.bind(name);
      await socket("Pull").bind(name);
      let again: string;
      try {
        await socket("Pull", { context: a }).bind(name);
        again = "bound twice";
      } catch (e) {
        again = (e as { code: string }).code;
      }
      const push = socket("Push", { context: b });
      push.connect(name);
      await push.send("for b");
      const [forB] = await inB.receive();
      // Connected in one context, bound afterwards in another: nothing crosses.
      const lone = `inproc://dropin-contexts-lone-${Math.random()}`;
      const early = socket("Push", { context: a, sendTimeout: 200 });
      early.connect(lone);
      const elsewhere = socket("Pull", { context: b, receiveTimeout: 300 });
      await elsewhere.bind(lone);
      const sent = await early.send("x").then(
        () => "sent",
        (e: { code: string }) => e.code,
      );
      const crossed = await elsewhere.receive().then(
        () => "received",
        (e: { code: string }) => e.code,
      );
      // Connected before the bind, both in one context other than the global one: it arrives.
      const pending = `inproc://dropin-contexts-pending-${Math.random()}`;
      const first = socket("Push", { context: a });
      first.connect(pending);
      await first.send("waited for its bind");
      const then = socket("Pull", { context: a });
      await then.bind(pending);
      const [waited] = await then.receive();
      return [again, String(forB), sent, crossed, String(waited)];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            "EADDRINUSE",
            "for b",
            "sent",
            "EAGAIN",
            "waited for its bind",
          ],
        }
      `),
  );
});

describe("option effects (differential: the native zeromq package and ours)", () => {
  differential(
    "conflate on PUSH: only the newest message waits for a peer",
    async ({ socket }: Scope) => {
      // Connected before anyone listens: the messages wait in the pipe.
      const endpoint = `ipc://${tmpdir()}/plantrpc-conflate-${process.pid}-${Math.random().toString(36).slice(2)}.ipc`;
      const push = socket("Push", { conflate: true });
      push.connect(endpoint);
      for (const n of ["1", "2", "3", "4", "5"]) await push.send(n);
      const pull = socket("Pull");
      await pull.bind(endpoint);
      const first = strings(await pull.receive());
      // An absence check: nothing more within 150 ms.
      const more = await Promise.race([pull.receive().then(strings), settle(150).then(() => "nothing more")]);
      return [first, more];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "5",
        ],
        "nothing more",
      ],
    }
  `),
  );

  differential(
    "conflate on PULL: only the newest message of a burst is kept",
    async ({ socket }: Scope) => {
      const pull = socket("Pull", { conflate: true });
      await pull.bind("tcp://127.0.0.1:*");
      const connected = new Promise((resolve) => pull.events.on("handshake", resolve));
      const push = socket("Push");
      push.connect(pull.lastEndpoint);
      await connected;
      for (const n of ["1", "2", "3", "4", "5"]) await push.send(n);
      // All five must arrive before we read, and only a read would show that they have (the
      // newest replaces the others): the one fixed wait left for something happening elsewhere,
      // a few octets across loopback on a connection already up.
      await settle(150);
      const first = strings(await pull.receive());
      // An absence check: nothing more within 150 ms.
      const more = await Promise.race([pull.receive().then(strings), settle(150).then(() => "nothing more")]);
      return [first, more];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "5",
        ],
        "nothing more",
      ],
    }
  `),
  );

  differential(
    "PULL fair-queues its pushers: with messages waiting from each, one from each in turn",
    async ({ socket }: Scope) => {
      const pull = socket("Pull");
      await pull.bind("tcp://127.0.0.1:*");
      let handshakes = 0;
      const connected = new Promise((resolve) =>
        pull.events.on("handshake", () => {
          if (++handshakes === 3) resolve(undefined);
        }),
      );
      const pushes = [socket("Push"), socket("Push"), socket("Push")];
      for (const push of pushes) push.connect(pull.lastEndpoint);
      await connected;
      for (const [i, push] of pushes.entries()) for (const n of ["a", "b", "c"]) await push.send(`${i}${n}`);
      // Every message must be waiting before we read, and only reads would show it: a few
      // octets across loopback on connections already up.
      await settle(150);
      const rounds: string[][] = [];
      for (let round = 0; round < 3; round++) {
        const got: string[] = [];
        for (let i = 0; i < 3; i++) got.push(...strings(await pull.receive()));
        rounds.push(got.sort());
      }
      return rounds;
    },
    (outcome) =>
      expect(outcome).toEqual({
        value: [
          ["0a", "1a", "2a"],
          ["0b", "1b", "2b"],
          ["0c", "1c", "2c"],
        ],
      }),
  );

  differential(
    "invertMatching on PUB and SUB: messages matching no subscription",
    async ({ socket }: Scope) => {
      const pub = socket("Publisher", { invertMatching: true });
      await pub.bind("tcp://127.0.0.1:*");
      const sub = socket("Subscriber", { invertMatching: true });
      sub.subscribe("skip");
      sub.connect(pub.lastEndpoint);
      const got = await sendUntil(
        async () => {
          await pub.send("skip this");
          await pub.send("take this");
        },
        sub.receive() as Promise<Buffer[]>,
      );
      return strings(got);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        "take this",
      ],
    }
  `),
  );

  differential(
    "probeRouter: a ROUTER hears of a DEALER at once, as an empty message",
    async ({ socket }: Scope) => {
      const router = socket("Router");
      await router.bind("tcp://127.0.0.1:*");
      const dealer = socket("Dealer", { probeRouter: true, routingId: "probe" });
      dealer.connect(router.lastEndpoint);
      return strings(await router.receive());
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        "probe",
        "",
      ],
    }
  `),
  );

  differential(
    "welcomeMessage: each new subscriber of an XPUB gets it first",
    async ({ socket }: Scope) => {
      const xpub = socket("XPublisher", { welcomeMessage: "welcome" });
      await xpub.bind("tcp://127.0.0.1:*");
      const sub = socket("Subscriber");
      sub.subscribe("");
      sub.connect(xpub.lastEndpoint);
      // libzmq attaches the new peer when the XPUB is next used: read its subscription.
      const subscription = [...(await xpub.receive())[0]];
      return [subscription, strings(await sub.receive())];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          1,
        ],
        [
          "welcome",
        ],
      ],
    }
  `),
  );

  differential(
    "noDrop with sendTimeout 0: EAGAIN once a subscriber is full, instead of dropping",
    async ({ socket }: Scope) => {
      const pub = socket("Publisher", { noDrop: true, sendTimeout: 0, sendHighWaterMark: 2 });
      await pub.bind("tcp://127.0.0.1:*");
      const sub = socket("Subscriber", { receiveHighWaterMark: 2 });
      sub.subscribe("");
      sub.connect(pub.lastEndpoint);
      await sendUntil(() => pub.send("hello"), sub.receive());
      // The subscriber stops reading: its queues, then the kernel's, then ours fill up.
      const big = Buffer.alloc(64 * 1024);
      for (let i = 0; i < 10_000; i++) {
        try {
          await pub.send(big);
        } catch (e) {
          return [(e as { code?: string }).code, i > 0];
        }
      }
      return "never full";
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "EAGAIN",
          true,
        ],
      }
    `),
  );
  for (const type of ["Publisher", "XPublisher"] as const) {
    differential(
      `${type} with noDrop stays writable when a subscriber is full (libzmq's distributor)`,
      async ({ socket }: Scope) => {
        const pub = socket(type, { noDrop: true, sendTimeout: 0, sendHighWaterMark: 2 });
        await pub.bind("tcp://127.0.0.1:*");
        const sub = socket("Subscriber", { receiveHighWaterMark: 2 });
        sub.subscribe("");
        sub.connect(pub.lastEndpoint);
        if (type === "XPublisher") await pub.receive(); // the subscription
        await sendUntil(() => pub.send("hello"), sub.receive());
        const big = Buffer.alloc(64 * 1024);
        for (let i = 0; i < 10_000; i++) {
          try {
            await pub.send(big);
          } catch (e) {
            return { full: (e as { code?: string }).code, writable: pub.writable };
          }
        }
        return "never full";
      },
      (outcome) => expect(outcome).toMatchSnapshot(),
    );
  }
  differential(
    "manual XPUB: the application answers each subscription with its own",
    async ({ socket }: Scope) => {
      const xpub = socket("XPublisher", { manual: true });
      await xpub.bind("tcp://127.0.0.1:*");
      const sub = socket("Subscriber");
      sub.subscribe(""); // asks for everything; the XPUB decides what it gets
      sub.connect(xpub.lastEndpoint);
      const [request] = await xpub.receive();
      // Subscribe that peer to one topic only.
      xpub.setStringOption(6, "given");
      const got = await sendUntil(
        async () => {
          await xpub.send("other: not delivered");
          await xpub.send("given: delivered");
        },
        sub.receive() as Promise<Buffer[]>,
      );
      return [[...request], strings(got)];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          1,
        ],
        [
          "given: delivered",
        ],
      ],
    }
  `),
  );

  differential(
    "ROUTER with mandatory: a peer given a routing id at connect() is routable at once, its messages queued",
    async ({ socket }: Scope) => {
      const endpoint = `ipc://${tmpdir()}/plantrpc-connect-id-${process.pid}-${Math.random().toString(36).slice(2)}.ipc`;
      const router = socket("Router", { mandatory: true });
      router.connect(endpoint, { routingId: "remoteId" });
      await router.send(["remoteId", "queued before the peer exists"]);
      const unknown = await router.send(["nobody", "x"]).then(
        () => "sent",
        (e: { code?: string }) => e.code,
      );
      const peer = socket("Router");
      await peer.bind(endpoint);
      const [, ...frames] = await peer.receive();
      return { unknown, received: strings(frames) };
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": {
          "received": [
            "queued before the peer exists",
          ],
          "unknown": "EHOSTUNREACH",
        },
      }
    `),
  );

  differential(
    "inproc hands over the sender's memory for frames over 128 octets (small ones are copied)",
    async ({ socket }: Scope) => {
      const shared: Record<number, boolean> = {};
      for (const size of [100, 129, 4096, 1 << 20]) {
        const address = `inproc://plantrpc-shared-${size}-${Math.random().toString(36).slice(2)}`;
        const pull = socket("Pull");
        await pull.bind(address);
        const push = socket("Push");
        push.connect(address);
        const sent = Buffer.alloc(size, 1);
        await push.send(sent);
        const [received] = await pull.receive();
        received[0] = 9;
        shared[size] = sent[0] === 9;
      }
      return shared;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": {
          "100": false,
          "1048576": true,
          "129": true,
          "4096": true,
        },
      }
    `),
  );

  differential(
    "numbers as frames go as their decimal text",
    async ({ socket }: Scope) => {
      const address = `inproc://plantrpc-numbers-${Math.random().toString(36).slice(2)}`;
      const pull = socket("Pull");
      await pull.bind(address);
      const push = socket("Push");
      push.connect(address);
      await push.send([42, 2.5, -1]);
      return strings(await pull.receive());
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "42",
          "2.5",
          "-1",
        ],
      }
    `),
  );

  differential(
    "inproc: a connect before the bind waits for it (no retries), and no event is reported",
    async ({ socket }: Scope) => {
      const address = `inproc://plantrpc-quiet-${Math.random().toString(36).slice(2)}`;
      const seen: string[] = [];
      const watch = (name: string, s: { events: { on(type: string, fn: (e: { type: string }) => void): void } }) => {
        for (const type of [
          "connect",
          "connect:delay",
          "connect:retry",
          "close",
          "accept",
          "bind",
          "handshake",
          "disconnect",
        ]) {
          s.events.on(type, (e) => seen.push(`${name} ${e.type}`));
        }
      };
      const dealer = socket("Dealer");
      watch("dealer", dealer);
      dealer.connect(address);
      await dealer.send("early");
      await settle(250); // an absence check: no retry, no event, while nothing is bound
      const router = socket("Router");
      watch("router", router);
      await router.bind(address);
      const [, message] = await router.receive();
      dealer.disconnect(address);
      await router.unbind(address);
      await settle(20); // an absence check: no event for the disconnection and the unbind
      return { message: String(message), seen };
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": {
          "message": "early",
          "seen": [],
        },
      }
    `),
  );
});

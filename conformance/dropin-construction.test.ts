/**
 * Drop-in, differential: how the native package checks construction and arguments, what a
 * closed socket still allows, and how an endpoint is ended, against the native `zeromq` package.
 * Each scenario lists what every step gave (a value, or the error's class, code and message), so
 * that the inline snapshots show the native package's exact words.
 */
import { describe, expect, it } from "vitest";
import { both, type Lib, nativeMissing, type Scope } from "./dropin/harness.js";
import { until } from "./helpers/wait.js";

function differential(name: string, scenario: (scope: Scope) => unknown, expected: (outcome: unknown) => void): void {
  it.skipIf(nativeMissing !== undefined)(name, async () => {
    const [theirs, mine] = await both(scenario);
    expect(mine).toEqual(theirs);
    expected(theirs);
  });
}

/** What a step gave: its value ("ok" for none), or [error class, code, message]. */
async function attempt(step: () => unknown): Promise<unknown> {
  try {
    const value = await step();
    return value === undefined ? "ok" : value;
  } catch (e) {
    const err = e as Error & { code?: string };
    return [err.constructor.name === "TypeError" ? "TypeError" : "Error", err.code ?? null, err.message];
  }
}

async function attemptAll(steps: Array<() => unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await attempt(step));
  return out;
}

describe("construction and arguments, as the native package checks them", () => {
  differential(
    "a Context, a Proxy, an Observer or a socket called without new",
    ({ lib }: Scope) =>
      attemptAll([() => (lib as Lib).Context(), () => lib.Proxy(), () => lib.Observer(), () => lib.Dealer()]),
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            [
              "TypeError",
              null,
              "Class constructors cannot be invoked without 'new'",
            ],
            [
              "TypeError",
              null,
              "Class constructors cannot be invoked without 'new'",
            ],
            [
              "TypeError",
              null,
              "Class constructors cannot be invoked without 'new'",
            ],
            [
              "TypeError",
              null,
              "Class constructor Dealer cannot be invoked without 'new'",
            ],
          ],
        }
      `),
  );

  differential(
    "too many arguments: Expected N arguments but received M",
    ({ lib, socket, track }: Scope) => {
      const d = socket("Dealer");
      return attemptAll([
        () => track(new lib.Context({}, 2)),
        () => track(new lib.Proxy(socket("Router"), socket("Dealer"), 3)),
        () => d.connect("tcp://127.0.0.1:1", 2),
        () => d.disconnect("tcp://127.0.0.1:1", 2),
        () => d.bind("tcp://127.0.0.1:*", 2),
        () => d.unbind("tcp://127.0.0.1:1", 2),
        () => d.send("x", 2),
        () => d.receive(1),
        () => d.getBoolOption(39, 2),
        () => d.setInt32Option(17, 0, 3),
        () => d.events.receive(1),
        () => socket("Pair").close(1),
      ]);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            [
              "TypeError",
              null,
              "Expected 1 argument but received 2",
            ],
            [
              "TypeError",
              null,
              "Expected 2 arguments but received 3",
            ],
            [
              "TypeError",
              null,
              "Expected 1 argument but received 2",
            ],
            [
              "TypeError",
              null,
              "Expected 1 argument but received 2",
            ],
            [
              "TypeError",
              null,
              "Expected 1 argument but received 2",
            ],
            [
              "TypeError",
              null,
              "Expected 1 argument but received 2",
            ],
            [
              "TypeError",
              null,
              "Expected 1 argument but received 2",
            ],
            [
              "TypeError",
              null,
              "Expected 0 arguments but received 1",
            ],
            [
              "TypeError",
              null,
              "Expected 1 argument but received 2",
            ],
            [
              "TypeError",
              null,
              "Expected 2 arguments but received 3",
            ],
            [
              "TypeError",
              null,
              "Expected 0 arguments but received 1",
            ],
            [
              "TypeError",
              null,
              "Expected 0 arguments but received 1",
            ],
          ],
        }
      `),
  );

  differential(
    "a Proxy and an Observer want sockets",
    ({ lib, socket }: Scope) =>
      attemptAll([
        () => new lib.Proxy(),
        () => new lib.Proxy(socket("Router")),
        () => new lib.Proxy(1, 2),
        () => new lib.Proxy({}, {}),
        () => new lib.Observer(),
        () => new lib.Observer({}),
      ]),
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            [
              "TypeError",
              null,
              "Front-end must be a socket object",
            ],
            [
              "TypeError",
              null,
              "Back-end must be a socket object",
            ],
            [
              "TypeError",
              null,
              "Front-end must be a socket object",
            ],
            [
              "Error",
              null,
              "Invalid argument",
            ],
            [
              "TypeError",
              null,
              "Socket must be a socket object",
            ],
            [
              "Error",
              null,
              "Invalid argument",
            ],
          ],
        }
      `),
  );

  differential(
    "options: an unknown one, a read-only one (the native package assigns them onto a sealed object)",
    ({ lib, track }: Scope) =>
      attemptAll([
        () => track(new lib.Dealer({ nosuch: 1 })),
        () => track(new lib.Dealer({ type: 5 })),
        () => new lib.Context({ nosuch: 1 }),
        () => new lib.Context({ maxSocketsLimit: 5 }),
        () => {
          const c = new lib.Context();
          c.nosuch = 1;
        },
        () => [Object.isSealed(new lib.Context()), Object.isSealed(track(new lib.Pull()))],
      ]),
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            [
              "TypeError",
              null,
              "Cannot add property nosuch, object is not extensible",
            ],
            [
              "TypeError",
              null,
              "Cannot set property type of #<Socket> which has only a getter",
            ],
            [
              "TypeError",
              null,
              "Cannot add property nosuch, object is not extensible",
            ],
            [
              "TypeError",
              null,
              "Cannot set property maxSocketsLimit of #<Context> which has only a getter",
            ],
            [
              "TypeError",
              null,
              "Cannot add property nosuch, object is not extensible",
            ],
            [
              true,
              true,
            ],
          ],
        }
      `),
  );

  differential(
    "a socket made with a context takes that context's settings",
    ({ lib, track }: Scope) => {
      const context = new lib.Context({ ipv6: true, blocky: false, maxSockets: 7 });
      const s = track(new lib.Dealer({ context }));
      return [s.context === context, s.ipv6, s.linger, s.context.maxSockets];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            true,
            true,
            0,
            7,
          ],
        }
      `),
  );
});

describe("synchronous binds", () => {
  differential(
    "two bindSync in a row both bind, the second last",
    async ({ socket }: Scope) => {
      const s = socket("Pull");
      const events = s.events;
      s.bindSync("tcp://127.0.0.1:*");
      s.bindSync("tcp://127.0.0.1:*");
      let binds = 0;
      for await (const e of events) if (e.type === "bind" && ++binds === 2) break;
      return [binds, /^tcp:\/\/127\.0\.0\.1:\d+$/.test(s.lastEndpoint)];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          2,
          true,
        ],
      }
    `),
  );

  differential(
    "an instance's constructor is the exported class",
    ({ lib, socket }: Scope) => [
      new lib.Context().constructor === lib.Context,
      lib.context.constructor === lib.Context,
      new lib.Proxy(socket("Router"), socket("Dealer")).constructor === lib.Proxy,
      socket("Dealer").events.constructor === lib.Observer,
    ],
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          true,
          true,
          true,
          true,
        ],
      }
    `),
  );
});

describe("a closed socket", () => {
  differential(
    "its options can be neither read nor written, nor its events first asked for (ENOTSOCK)",
    ({ socket }: Scope) => {
      const s = socket("Dealer");
      s.close();
      return attemptAll([
        () => s.linger,
        () => {
          s.linger = 5;
        },
        () => s.routingId,
        () => s.getInt32Option(17),
        () => s.setInt32Option(17, 5),
        () => typeof s.events,
        () => s.lastEndpoint,
        () => s.type,
        () => s.securityMechanism,
        () => s.threadSafe,
        () => s.closed,
      ]);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            [
              "Error",
              "ENOTSOCK",
              "Socket operation on non-socket",
            ],
            true,
          ],
        }
      `),
  );

  differential(
    "closed during a bind or an unbind: still open until it settles",
    async ({ socket }: Scope) => {
      const a = socket("Dealer");
      const binding = a.bind("tcp://127.0.0.1:*");
      a.close();
      const duringBind = a.closed;
      await binding;
      const b = socket("Dealer");
      await b.bind("tcp://127.0.0.1:*");
      const unbinding = b.unbind(b.lastEndpoint);
      b.close();
      const duringUnbind = b.closed;
      await unbinding;
      return [duringBind, a.closed, duringUnbind, b.closed];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            false,
            true,
            false,
            true,
          ],
        }
      `),
  );

  differential(
    "the async iterator of a fresh Request rejects with EFSM, even when the socket closes meanwhile",
    async ({ socket }: Scope) => {
      const req = socket("Request");
      const next = req[Symbol.asyncIterator]().next();
      req.close();
      return attempt(() => next);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            "Error",
            "EFSM",
            "Operation cannot be accomplished in current state",
          ],
        }
      `),
  );
});

/**
 * Binds, trying again while the port is still in use: libzmq closes an ended listener on its I/O
 * thread, a moment after disconnect() returns (ours at once), so the native side can still find
 * the port taken. Bounded: tries 10 ms apart for 2 s; any other error ends it.
 */
async function bindOnceFree(socket: { bind(endpoint: string): Promise<void> }, endpoint: string): Promise<void> {
  const bound = () =>
    socket.bind(endpoint).then(
      () => true,
      (e: { code?: string }) => {
        if (e.code !== "EADDRINUSE") throw e;
        return false;
      },
    );
  await until(bound, { timeout: 2000, what: `${endpoint} free again` });
}

describe("ending an endpoint, as libzmq does it (unbind and disconnect both end either kind)", () => {
  differential(
    "disconnect() of a bound endpoint unbinds it; unbind() of a connected one disconnects it",
    async ({ socket }: Scope) => {
      const pull = socket("Pull");
      await pull.bind("tcp://127.0.0.1:*");
      const endpoint = pull.lastEndpoint;
      const push = socket("Push");
      const steps = await attemptAll([
        () => pull.disconnect(endpoint),
        () => bindOnceFree(socket("Pull"), endpoint), // the port is free again
        () => push.connect("tcp://127.0.0.1:1"),
        () => push.unbind("tcp://127.0.0.1:1"),
        () => push.disconnect("tcp://127.0.0.1:1"), // gone already
        () => push.unbind("tcp://127.0.0.1:2"),
      ]);
      return steps;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            "ok",
            "ok",
            "ok",
            "ok",
            [
              "Error",
              "ENOENT",
              "No such endpoint",
            ],
            [
              "Error",
              "ENOENT",
              "No such endpoint",
            ],
          ],
        }
      `),
  );
});

/**
 * Drop-in, differential: socket events (the native package's Observer), their order per
 * socket, their shapes, and the event stream's end, against the native `zeromq` package.
 */
import * as net from "node:net";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { both, nativeMissing, type Scope } from "./dropin/harness.js";
import { settle, until } from "./helpers/wait.js";

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

/** Ports and paths are the OS's choice; intervals carry random jitter: compare their shape. */
function shape(e: { type: string; address?: string; interval?: number; error?: { code?: string } }): string {
  const address =
    e.address === undefined
      ? ""
      : ` ${String(e.address)
          .replace(/:\d+$/, ":PORT")
          .replace(/^ipc:\/\/.*/, "ipc://PATH")}`;
  const interval = e.interval === undefined ? "" : " +interval";
  return `${e.type}${address}${interval}${e.error ? ` ${e.error.code}` : ""}`;
}

/** Records a socket's events until their stream ends. */
function record(socket: { events: AsyncIterable<never> }): { log: string[]; ended: Promise<void> } {
  const log: string[] = [];
  const ended = (async () => {
    for await (const e of socket.events) log.push(shape(e));
  })();
  return { log, ended };
}

/** Whether a log of shapes holds an event of that type. */
const logged = (log: string[], type: string) => log.some((e) => e.split(" ")[0] === type);

/**
 * Waits, within a scenario (the harness gives each 3 s), for an event the native package reports
 * through its monitor, a little after the fact.
 */
const reported = (condition: () => boolean, what: string) => until(condition, { timeout: 2000, what });

describe("socket events (differential: the native zeromq package and ours)", () => {
  for (const transport of ["tcp://127.0.0.1:*", "ipc://*"]) {
    differential(
      `bind, connect, handshake, disconnect, unbind and close over ${transport.split(":")[0]}: each socket's sequence`,
      async ({ socket }: Scope) => {
        const server = socket("Router");
        const client = socket("Dealer");
        const s = record(server);
        const c = record(client);
        await server.bind(transport);
        client.connect(server.lastEndpoint);
        await client.send("hi");
        await server.receive();
        // Closed before its monitor reports the handshake, the native client would not report it.
        await reported(() => logged(c.log, "handshake"), "the client's handshake event");
        client.close();
        await c.ended;
        await reported(() => logged(s.log, "disconnect"), "the server's disconnect event");
        await server.unbind(server.lastEndpoint);
        await reported(() => logged(s.log, "close"), "the server's close event");
        server.close();
        await s.ended;
        return { server: s.log, client: c.log };
      },
      (outcome) => expect(outcome).toMatchSnapshot(),
    );
  }

  differential(
    "a refused connection: delay, close and retry, again and again, then end",
    async ({ socket }: Scope) => {
      const client = socket("Dealer", { reconnectInterval: 40 });
      const c = record(client);
      client.connect("tcp://127.0.0.1:9");
      await reported(() => logged(c.log, "connect:retry"), "a first retry");
      client.close();
      await c.ended;
      // The number of retries depends on timing: compare the pattern of one attempt.
      return [c.log.slice(0, 3), c.log.at(-1)];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "connect:delay tcp://127.0.0.1:PORT",
          "close tcp://127.0.0.1:PORT",
          "connect:retry tcp://127.0.0.1:PORT +interval",
        ],
        "end",
      ],
    }
  `),
  );

  differential(
    "a receive() pending when the socket closes resolves to the end event",
    async ({ socket }: Scope) => {
      const s = socket("Dealer");
      const pending = s.events.receive();
      // The native package starts its monitor's read on a later turn: closed in the same turn, it
      // sometimes rejects with ENOTSOCK instead (a race of its own, seen once in CI). One turn,
      // and the receive is pending as the scenario means.
      await new Promise((resolve) => setImmediate(resolve));
      s.close();
      return await pending;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": {
        "type": "end",
      },
    }
  `),
  );

  differential(
    "after close, receive() fails with ENOTSOCK",
    async ({ socket }: Scope) => {
      const s = socket("Dealer");
      s.close();
      await s.events.receive();
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "code": "ENOTSOCK",
      "errno": 88,
      "error": "Error",
      "message": "Socket operation on non-socket",
    }
  `),
  );

  differential(
    "an observer asked for before close: what came meanwhile, each listener's close in bind order, the end event, then EBADF",
    async ({ socket }: Scope) => {
      const s = socket("Dealer");
      const events = s.events;
      await s.bind("tcp://127.0.0.1:*");
      await s.bind(`ipc://${tmpdir()}/plantrpc-observer-${process.pid}-${Math.random().toString(36).slice(2)}`);
      s.close();
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        try {
          const e = await events.receive();
          seen.push(`${e.type}${"address" in e ? ` ${e.address.split(":")[0]}` : ""}`);
        } catch (e) {
          seen.push(`${(e as { code: string }).code} ${(e as Error).message}`);
        }
      }
      return { seen, closed: events.closed };
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": {
          "closed": true,
          "seen": [
            "bind tcp",
            "bind ipc",
            "close tcp",
            "close ipc",
            "end",
            "EBADF Socket is closed",
          ],
        },
      }
    `),
  );

  differential(
    "after close, on() fails with ENOTSOCK",
    ({ socket }: Scope) => {
      const s = socket("Dealer");
      s.close();
      s.events.on("end", () => {});
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "code": "ENOTSOCK",
      "errno": 88,
      "error": "Error",
      "message": "Socket operation on non-socket",
    }
  `),
  );

  differential(
    "on() and off(): a listener sees the events of its type until removed",
    async ({ socket }: Scope) => {
      const s = socket("Pull");
      const heard: string[] = [];
      const listener = (e: { type: string }) => heard.push(e.type);
      s.events.on("bind", listener);
      // A second listener, kept: called after the first for each bind event, it shows when one
      // has been dispatched (the native package's come from a monitor, a little later).
      let dispatched = 0;
      s.events.on("bind", () => dispatched++);
      await s.bind("tcp://127.0.0.1:*");
      await reported(() => dispatched === 1, "the first bind event");
      s.events.off("bind", listener);
      await s.bind("tcp://127.0.0.1:*"); // a wildcard may be bound again
      await reported(() => dispatched === 2, "the second bind event");
      return heard;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        "bind",
      ],
    }
  `),
  );
});

describe("more events and endpoints (differential)", () => {
  differential(
    "a failed bind: close, then bind:error with libzmq's address and the error",
    async ({ socket }: Scope) => {
      const a = socket("Pull");
      await a.bind("tcp://127.0.0.1:*");
      const b = socket("Pull");
      const log: string[] = [];
      b.events.on("close", (e: { type: string; address?: string }) => log.push(shape(e)));
      b.events.on("bind:error", (e: { type: string; address?: string; error?: { code?: string } }) =>
        log.push(
          shape({ ...e, address: e.address === a.lastEndpoint.slice(6) ? "same address, no scheme" : e.address }),
        ),
      );
      await b.bind(a.lastEndpoint).catch(() => {});
      await reported(() => logged(log, "bind:error"), "the bind:error event");
      return log;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "close",
          "bind:error same address, no scheme EADDRINUSE",
        ],
      }
    `),
  );

  differential(
    "one endpoint connected twice: two connections; one disconnect ends both",
    async ({ socket }: Scope) => {
      const server = socket("Pull");
      await server.bind("tcp://127.0.0.1:*");
      const client = socket("Push");
      const handshakes: string[] = [];
      client.events.on("handshake", () => handshakes.push("handshake"));
      client.connect(server.lastEndpoint);
      client.connect(server.lastEndpoint);
      await reported(() => handshakes.length === 2, "both connections' handshakes");
      client.disconnect(server.lastEndpoint);
      let second = "ok";
      try {
        client.disconnect(server.lastEndpoint);
      } catch (e) {
        second = (e as { code: string }).code;
      }
      return [handshakes, second];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "handshake",
          "handshake",
        ],
        "ENOENT",
      ],
    }
  `),
  );

  differential(
    "after events.on(), events.receive() throws: the observer is in emitter mode",
    ({ socket }: Scope) => {
      const s = socket("Dealer");
      s.events.on("bind", () => {});
      return s.events.receive();
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "code": undefined,
        "errno": undefined,
        "error": "Error",
        "message": "Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive().",
      }
    `),
  );

  differential(
    "events of an accepted connection name the endpoint bound, not the peer's port",
    async ({ socket }: Scope) => {
      const router = socket("Router");
      await router.bind("tcp://127.0.0.1:*");
      const seen: string[] = [];
      for (const type of ["accept", "handshake", "disconnect"]) {
        router.events.on(type, (e: { address?: string }) => seen.push(`${type} ${e.address === router.lastEndpoint}`));
      }
      const dealer = socket("Dealer");
      dealer.connect(router.lastEndpoint);
      await dealer.send("x");
      await router.receive();
      const gone = new Promise((resolve) => router.events.on("disconnect", resolve));
      dealer.close();
      await gone;
      return seen;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "accept true",
          "handshake true",
          "disconnect true",
        ],
      }
    `),
  );

  differential(
    "a mechanism mismatch: libzmq's protocol error on both sides, and the client does not reconnect",
    async ({ lib, socket }: Scope) => {
      const server = socket("Router", { plainServer: true });
      await server.bind("tcp://127.0.0.1:*");
      const [serverKeys, clientKeys] = [lib.curveKeyPair(), lib.curveKeyPair()];
      const client = socket("Dealer", {
        curveServerKey: serverKeys.publicKey,
        curvePublicKey: clientKeys.publicKey,
        curveSecretKey: clientKeys.secretKey,
      });
      const events: string[] = [];
      const watch = (side: string, s: { events: { on(t: string, f: (e: any) => void): void } }) => {
        for (const type of ["connect", "connect:retry", "handshake:error:protocol", "disconnect"]) {
          s.events.on(type, (e) =>
            events.push(`${side} ${type} ${e.error ? `${e.error.code} / ${e.error.message}` : "-"}`),
          );
        }
      };
      watch("server", server);
      watch("client", client);
      client.connect(server.lastEndpoint);
      const gone = (side: string) => events.some((e) => e.startsWith(`${side} disconnect`));
      await reported(() => gone("client") && gone("server"), "both sides' disconnect events");
      await settle(600); // an absence check: a reconnection would come within 100 ms or so
      return events.sort();
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "client connect -",
          "client disconnect -",
          "client handshake:error:protocol ERR_ZMTP_MECHANISM_MISMATCH / ZMTP protocol error",
          "server disconnect -",
          "server handshake:error:protocol ERR_ZMTP_MECHANISM_MISMATCH / ZMTP protocol error",
        ],
      }
    `),
  );

  differential(
    "a peer that ends the connection during the greeting or the handshake: handshake:error:other, EPIPE (ECONNRESET if reset)",
    async ({ socket }: Scope) => {
      const greeting = Buffer.alloc(64);
      greeting.set([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 1]);
      greeting.write("NULL", 12);
      // The server's side: a raw TCP peer that ends before its greeting, after it, or resets.
      const server = socket("Pull");
      const { log } = record(server);
      await server.bind("tcp://127.0.0.1:*");
      const port = Number(server.lastEndpoint.split(":").pop());
      const endings: Array<(c: net.Socket) => void> = [
        (c) => c.end(),
        (c) => c.end(greeting),
        (c) => c.write(greeting, () => c.resetAndDestroy()),
      ];
      for (const [i, end] of endings.entries()) {
        const peer = net.connect(port, "127.0.0.1", () => end(peer));
        peer.on("error", () => {});
        await reported(() => log.filter((e) => e.startsWith("disconnect")).length === i + 1, "the disconnect event");
      }
      // The client's side: a raw TCP server that takes the connection and ends it at once.
      const raw = net.createServer((c) => c.end());
      await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
      const client = socket("Push", { reconnectInterval: 60_000 });
      const mine = record(client);
      client.connect(`tcp://127.0.0.1:${(raw.address() as net.AddressInfo).port}`);
      await reported(() => logged(mine.log, "disconnect"), "the client's disconnect event");
      raw.close();
      const keep = (l: string[]) => l.filter((e) => /^(handshake|disconnect)/.test(e));
      return { server: keep(log), client: keep(mine.log) };
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": {
          "client": [
            "handshake:error:other tcp://127.0.0.1:PORT EPIPE",
            "disconnect tcp://127.0.0.1:PORT",
          ],
          "server": [
            "handshake:error:other tcp://127.0.0.1:PORT EPIPE",
            "disconnect tcp://127.0.0.1:PORT",
            "handshake:error:other tcp://127.0.0.1:PORT EPIPE",
            "disconnect tcp://127.0.0.1:PORT",
            "handshake:error:other tcp://127.0.0.1:PORT ECONNRESET",
            "disconnect tcp://127.0.0.1:PORT",
          ],
        },
      }
    `),
  );

  differential(
    "a CURVE client whose public key is not its secret key's, or that has no secret key: refused by the server's vouch check",
    async ({ lib, socket }: Scope) => {
      const serverKeys = lib.curveKeyPair();
      const server = socket("Router", { curveServer: true, curveSecretKey: serverKeys.secretKey });
      const serverLog = record(server).log;
      await server.bind("tcp://127.0.0.1:*");
      const [own, other] = [lib.curveKeyPair(), lib.curveKeyPair()];
      const outcomes: string[][] = [];
      for (const keys of [
        { curvePublicKey: other.publicKey, curveSecretKey: own.secretKey },
        { curvePublicKey: own.publicKey },
      ]) {
        const client = socket("Dealer", { curveServerKey: serverKeys.publicKey, reconnectInterval: 60_000, ...keys });
        const { log } = record(client);
        client.connect(server.lastEndpoint);
        await reported(() => logged(log, "disconnect"), "the client's disconnect event");
        outcomes.push(log.filter((e) => e.startsWith("handshake")));
        client.close();
      }
      await reported(
        () => serverLog.filter((e) => e.startsWith("handshake:error")).length === 2,
        "the server's events",
      );
      return { clients: outcomes, server: serverLog.filter((e) => e.startsWith("handshake")) };
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": {
          "clients": [
            [
              "handshake:error:other tcp://127.0.0.1:PORT EPIPE",
            ],
            [
              "handshake:error:other tcp://127.0.0.1:PORT EPIPE",
            ],
          ],
          "server": [
            "handshake:error:protocol tcp://127.0.0.1:PORT ERR_ZMTP_CRYPTOGRAPHIC",
            "handshake:error:protocol tcp://127.0.0.1:PORT ERR_ZMTP_CRYPTOGRAPHIC",
          ],
        },
      }
    `),
  );

  differential(
    "a client given a server key of small order: a cryptographic failure of its handshake",
    async ({ lib, socket }: Scope) => {
      const serverKeys = lib.curveKeyPair();
      const server = socket("Router", { curveServer: true, curveSecretKey: serverKeys.secretKey });
      await server.bind("tcp://127.0.0.1:*");
      const clientKeys = lib.curveKeyPair();
      const client = socket("Dealer", {
        curveServerKey: "0".repeat(40), // 32 zero octets: no key can be shared with it
        curvePublicKey: clientKeys.publicKey,
        curveSecretKey: clientKeys.secretKey,
      });
      const failed = new Promise<string>((resolve) =>
        client.events.on("handshake:error:protocol", (e: { type: string; error: { code: string; message: string } }) =>
          resolve(`${e.type} ${e.error.code} / ${e.error.message}`),
        ),
      );
      client.connect(server.lastEndpoint);
      return await failed;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": "handshake:error:protocol ERR_ZMTP_CRYPTOGRAPHIC / ZMTP protocol error",
      }
    `),
  );

  differential(
    "an unexpected command in the NULL handshake: ERR_ZMTP_UNEXPECTED_COMMAND, then the disconnection",
    async ({ socket }: Scope) => {
      const router = socket("Router");
      await router.bind("tcp://127.0.0.1:*");
      const seen: string[] = [];
      for (const type of ["handshake:error:protocol", "disconnect"]) {
        router.events.on(type, (e: { error?: { code?: string; message?: string } }) =>
          seen.push(`${type} ${e.error ? `${e.error.code} / ${e.error.message}` : "-"}`),
        );
      }
      const peer = net.connect(Number(router.lastEndpoint.split(":").pop()), "127.0.0.1");
      const greeting = Buffer.alloc(64);
      greeting[0] = 0xff;
      greeting[9] = 0x7f;
      greeting[10] = 3;
      greeting[11] = 1;
      greeting.write("NULL", 12);
      peer.write(greeting);
      peer.write(Buffer.from([0x04, 5, 4, 0x58, 0x58, 0x58, 0x58])); // an XXXX command, not READY
      const gone = new Promise((resolve) => router.events.on("disconnect", resolve));
      await gone;
      peer.destroy();
      return seen;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "handshake:error:protocol ERR_ZMTP_UNEXPECTED_COMMAND / ZMTP protocol error",
          "disconnect -",
        ],
      }
    `),
  );
});

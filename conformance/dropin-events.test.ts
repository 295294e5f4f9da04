/**
 * Drop-in, differential: socket events (the native package's Observer), their order per
 * socket, their shapes, and the event stream's end, against the native `zeromq` package.
 */
import * as net from "node:net";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { both, nativeMissing, type Scope } from "./dropin/harness.js";

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

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
        await settle(50);
        client.close();
        await c.ended;
        await settle(100); // the server notices the disconnection
        await server.unbind(server.lastEndpoint);
        await settle(20);
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
      await settle(150);
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
      const seen: string[] = [];
      const listener = (e: { type: string }) => seen.push(e.type);
      s.events.on("bind", listener);
      await s.bind("tcp://127.0.0.1:*");
      await settle(50); // the native package's events come from a monitor, a little later
      s.events.off("bind", listener);
      await s.bind("tcp://127.0.0.1:*"); // a wildcard may be bound again
      await settle(50);
      return seen;
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
      await settle(50);
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
      const seen: string[] = [];
      client.events.on("handshake", () => seen.push("handshake"));
      client.connect(server.lastEndpoint);
      client.connect(server.lastEndpoint);
      await settle(100);
      client.disconnect(server.lastEndpoint);
      let second = "ok";
      try {
        client.disconnect(server.lastEndpoint);
      } catch (e) {
        second = (e as { code: string }).code;
      }
      return [seen, second];
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
      const seen: string[] = [];
      const watch = (side: string, s: { events: { on(t: string, f: (e: any) => void): void } }) => {
        for (const type of ["connect", "connect:retry", "handshake:error:protocol", "disconnect"]) {
          s.events.on(type, (e) =>
            seen.push(`${side} ${type} ${e.error ? `${e.error.code} / ${e.error.message}` : "-"}`),
          );
        }
      };
      watch("server", server);
      watch("client", client);
      client.connect(server.lastEndpoint);
      await settle(600); // a reconnection would come within 100 ms or so
      return seen.sort();
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

/**
 * Drop-in, differential: who asks the ZAP handler and what happens without one (NULL with a
 * zapDomain, zapEnforceDomain), against the native package. Each scenario runs in one library:
 * its own handler at inproc://zeromq.zap.01, server and client.
 */
import { describe, expect, it } from "vitest";
import { both, nativeMissing, type Scope } from "./dropin/harness.js";
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

/** Starts a handler answering `status`; returns the mechanisms and domains it was asked for. */
async function handler({ socket }: Scope, status: string): Promise<string[]> {
  const zap = socket("Reply");
  await zap.bind("inproc://zeromq.zap.01");
  const asked: string[] = [];
  void (async () => {
    for await (const [version, id, domain, , , mechanism] of zap) {
      asked.push(`${mechanism} ${domain}`);
      await zap.send([version, id, status, status === "200" ? "OK" : "Go away", "", ""]);
    }
  })().catch(() => undefined);
  return asked;
}

/** One request over a fresh pair; what each side saw: a reply, or the first handshake error. */
async function attempt({ socket }: Scope, serverOptions: object, clientOptions: object = {}) {
  const rep = socket("Reply", serverOptions);
  await rep.bind("tcp://127.0.0.1:*");
  const req = socket("Request", { receiveTimeout: 1500, ...clientOptions });
  const failure = (s: any) =>
    new Promise((resolve) => {
      void (async () => {
        for await (const e of s.events) {
          if (String(e.type).startsWith("handshake:error")) {
            // The native package's AuthError has no code (ours says EACCES besides).
            const code = e.type === "handshake:error:auth" ? undefined : e.error?.code;
            resolve([e.type, code, e.error?.status, e.error?.message]);
            return;
          }
        }
      })().catch(() => undefined);
    });
  const serverFailed = failure(rep);
  const clientFailed = failure(req);
  req.connect(rep.lastEndpoint);
  await req.send("ping");
  const served = (async () => {
    const [msg] = await rep.receive();
    await rep.send(msg);
    return ["reply", String((await req.receive())[0])];
  })();
  const first = await Promise.race([served, serverFailed.then((s) => ["server", s])]);
  if (first[0] !== "server") return first;
  // The client's event, or its absence within 500 ms.
  const client = await Promise.race([clientFailed, settle(500).then(() => "no client event")]);
  return [...first, client];
}

/** A CURVE client's options: libzmq needs the client's own pair (we would make one). */
function clientKeys({ lib }: Scope, serverKey: string) {
  const own = lib.curveKeyPair();
  return { curveServerKey: serverKey, curvePublicKey: own.publicKey, curveSecretKey: own.secretKey };
}

describe("ZAP for NULL, and zapEnforceDomain, as the native package does", () => {
  differential(
    "NULL with a zapDomain: the handler's refusal reaches both sides",
    async (scope: Scope) => {
      const asked = await handler(scope, "400");
      return [await attempt(scope, { zapDomain: "lab" }), asked];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "server",
          [
            "handshake:error:auth",
            undefined,
            400,
            "Authentication failure",
          ],
          [
            "handshake:error:auth",
            undefined,
            400,
            "Authentication failure",
          ],
        ],
        [
          "NULL lab",
        ],
      ],
    }
  `),
  );

  differential(
    "NULL with a zapDomain: admitted by the handler",
    async (scope: Scope) => {
      const asked = await handler(scope, "200");
      return [await attempt(scope, { zapDomain: "lab" }), asked];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "reply",
          "ping",
        ],
        [
          "NULL lab",
        ],
      ],
    }
  `),
  );

  differential(
    "NULL without a zapDomain: the handler is not asked",
    async (scope: Scope) => {
      const asked = await handler(scope, "400");
      return [await attempt(scope, {}), asked];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "reply",
          "ping",
        ],
        [],
      ],
    }
  `),
  );

  // The server side only: libzmq's NULL server, refusing for want of a handler, leaves the
  // connection open until the handshake times out (the native client reports nothing until
  // then); ours closes it, and our client reports EPIPE (docs/zmq-api.md, differences).
  differential(
    "NULL with a zapDomain, zapEnforceDomain, no handler: refused",
    async (scope: Scope) => (await attempt(scope, { zapDomain: "lab", zapEnforceDomain: true })).slice(0, 2),
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            "server",
            [
              "handshake:error:other",
              "EFAULT",
              undefined,
              "Context is closed",
            ],
          ],
        }
      `),
  );

  // The server side only: the server closes the connection, and our client reports the end of
  // its handshake (EPIPE); the native client reports it in some runs, nothing in others (timing).
  differential(
    "CURVE with zapEnforceDomain and a domain, no handler: refused",
    async (scope: Scope) => {
      const keys = scope.lib.curveKeyPair();
      const outcome = await attempt(
        scope,
        { curveServer: true, curveSecretKey: keys.secretKey, zapDomain: "lab", zapEnforceDomain: true },
        clientKeys(scope, keys.publicKey),
      );
      return outcome.slice(0, 2);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
        {
          "value": [
            "server",
            [
              "handshake:error:other",
              "EFAULT",
              undefined,
              "Context is closed",
            ],
          ],
        }
      `),
  );

  differential(
    "CURVE with zapEnforceDomain and no domain: the handler is not asked",
    async (scope: Scope) => {
      const asked = await handler(scope, "400");
      const keys = scope.lib.curveKeyPair();
      const seen = await attempt(
        scope,
        { curveServer: true, curveSecretKey: keys.secretKey, zapEnforceDomain: true },
        clientKeys(scope, keys.publicKey),
      );
      return [seen, asked];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        [
          "reply",
          "ping",
        ],
        [],
      ],
    }
  `),
  );
});

/** The first event of that type, with its error's message and code. */
function firstEvent(s: any, type: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    void (async () => {
      for await (const e of s.events) {
        if (e.type === type) return resolve([e.type, e.error?.message, e.error?.code]);
      }
    })().catch(() => undefined);
  });
}

/** A ZAP handler (a ROUTER, as the native package's own tests write one) answering with `reply(request)`. */
async function customHandler({ socket }: Scope, reply: (request: Buffer[]) => Array<string | null | Buffer>) {
  const zap = socket("Router");
  await zap.bind("inproc://zeromq.zap.01");
  void (async () => {
    for await (const request of zap) await zap.send(reply(request));
  })().catch(() => undefined);
}

/** A PLAIN server (domain "test") and its client; what the server reports. */
async function plainPair(scope: Scope): Promise<unknown[]> {
  const server = scope.socket("Pair", { plainServer: true, zapDomain: "test" });
  const client = scope.socket("Pair", { plainUsername: "user", plainPassword: "pass" });
  const failed = firstEvent(server, "handshake:error:protocol");
  await server.bind("tcp://127.0.0.1:*");
  client.connect(server.lastEndpoint);
  return failed;
}

describe("ZAP replies that break RFC 27, as the native package reports them", () => {
  differential(
    "a reply of another version: ERR_ZAP_BAD_VERSION",
    async (scope: Scope) => {
      await customHandler(scope, ([path, delimiter, , id]) => [path!, delimiter!, "9.9", id!, "200", "OK", null, null]);
      return plainPair(scope);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "handshake:error:protocol",
          "ZAP protocol error",
          "ERR_ZAP_BAD_VERSION",
        ],
      }
    `),
  );

  differential(
    "a reply with too few frames: ERR_ZAP_MALFORMED_REPLY",
    async (scope: Scope) => {
      await customHandler(scope, ([path, delimiter]) => [path!, delimiter!, null, null]);
      return plainPair(scope);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "handshake:error:protocol",
          "ZAP protocol error",
          "ERR_ZAP_MALFORMED_REPLY",
        ],
      }
    `),
  );

  differential(
    "a reply for another request id: ERR_ZAP_BAD_REQUEST_ID",
    async (scope: Scope) => {
      await customHandler(scope, ([path, delimiter, version]) => [
        path!,
        delimiter!,
        version!,
        "x",
        "200",
        "OK",
        null,
        null,
      ]);
      return plainPair(scope);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "handshake:error:protocol",
          "ZAP protocol error",
          "ERR_ZAP_BAD_REQUEST_ID",
        ],
      }
    `),
  );

  differential(
    "a status code that is none of RFC 27's: ERR_ZAP_INVALID_STATUS_CODE",
    async (scope: Scope) => {
      await customHandler(scope, ([path, delimiter, version, id]) => [
        path!,
        delimiter!,
        version!,
        id!,
        "299",
        "OK",
        null,
        null,
      ]);
      return plainPair(scope);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "handshake:error:protocol",
          "ZAP protocol error",
          "ERR_ZAP_INVALID_STATUS_CODE",
        ],
      }
    `),
  );

  differential(
    "a PLAIN server meeting a CURVE server: ERR_ZMTP_MECHANISM_MISMATCH on both sides",
    async ({ socket }: Scope) => {
      const a = socket("Pair", { plainServer: true });
      const b = socket("Pair", { curveServer: true });
      const failedA = firstEvent(a, "handshake:error:protocol");
      const failedB = firstEvent(b, "handshake:error:protocol");
      await a.bind("tcp://127.0.0.1:*");
      b.connect(a.lastEndpoint);
      return Promise.all([failedA, failedB]);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          [
            "handshake:error:protocol",
            "ZMTP protocol error",
            "ERR_ZMTP_MECHANISM_MISMATCH",
          ],
          [
            "handshake:error:protocol",
            "ZMTP protocol error",
            "ERR_ZMTP_MECHANISM_MISMATCH",
          ],
        ],
      }
    `),
  );
});

describe("a ZAP handler that goes away with a request unanswered", () => {
  differential(
    "the handshake it was asked about gets no verdict soon; a new handler admits the next client",
    async (scope: Scope) => {
      const { socket } = scope;
      const zap = socket("Router");
      await zap.bind("inproc://zeromq.zap.01");
      const rep = socket("Reply", { zapDomain: "lab" });
      await rep.bind("tcp://127.0.0.1:*");
      const verdicts: string[] = [];
      void (async () => {
        for await (const e of rep.events) {
          if (String(e.type).startsWith("handshake:error")) verdicts.push(e.type);
        }
      })().catch(() => undefined);
      const req = socket("Request");
      req.connect(rep.lastEndpoint);
      void req.send("first").catch(() => undefined);
      await zap.receive(); // the request reached the handler
      zap.close();
      await settle(500); // an absence check: no verdict on the waiting handshake meanwhile
      const asked = await handler(scope, "200");
      const next = socket("Request", { receiveTimeout: 3000 });
      next.connect(rep.lastEndpoint);
      await next.send("second");
      const [got] = await rep.receive();
      return { verdicts, asked, got: String(got) };
    },
    (outcome) => expect(outcome).toEqual({ value: { verdicts: [], asked: ["NULL lab"], got: "second" } }),
  );
});

/**
 * Our Authenticator as the ZAP handler of either library: it serves on the library's own ROUTER
 * (`socket`), so the same policies decide for the native package's sockets and for ours, and
 * both sides' events must agree.
 */
describe("the Authenticator, serving the native package's sockets and ours alike", () => {
  async function authenticated(scope: Scope, options: object): Promise<string[]> {
    const { Authenticator } = await import("../src/zmq/index.js");
    const decisions: string[] = [];
    const auth = new Authenticator({
      ...options,
      socket: scope.socket("Router"),
      onDecision: (d) => decisions.push(`${d.mechanism} ${d.status} ${d.rule} ${d.reason}`),
    });
    await auth.start();
    scope.track({ close: () => void auth.stop() });
    return decisions;
  }

  differential(
    "CURVE: a listed key is served, another refused (400 on both sides)",
    async (scope: Scope) => {
      const server = scope.lib.curveKeyPair();
      const friend = scope.lib.curveKeyPair();
      const decisions = await authenticated(scope, { curve: { keys: [friend.publicKey] } });
      const curve = { curveServer: true, curveSecretKey: server.secretKey };
      const friendly = await attempt(scope, curve, {
        curveServerKey: server.publicKey,
        curvePublicKey: friend.publicKey,
        curveSecretKey: friend.secretKey,
      });
      const stranger = await attempt(scope, curve, clientKeys(scope, server.publicKey));
      return [friendly, stranger, decisions];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          [
            "reply",
            "ping",
          ],
          [
            "server",
            [
              "handshake:error:auth",
              undefined,
              400,
              "Authentication failure",
            ],
            [
              "handshake:error:auth",
              undefined,
              400,
              "Authentication failure",
            ],
          ],
          [
            "CURVE 200 key OK",
            "CURVE 400 key Unknown key",
          ],
        ],
      }
    `),
  );

  differential(
    "PLAIN: the right password served, a wrong one refused",
    async (scope: Scope) => {
      const decisions = await authenticated(scope, { plain: { passwords: { admin: "secret" } } });
      const right = await attempt(scope, { plainServer: true }, { plainUsername: "admin", plainPassword: "secret" });
      const wrong = await attempt(scope, { plainServer: true }, { plainUsername: "admin", plainPassword: "guess" });
      return [right, wrong, decisions];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          [
            "reply",
            "ping",
          ],
          [
            "server",
            [
              "handshake:error:auth",
              undefined,
              400,
              "Authentication failure",
            ],
            [
              "handshake:error:auth",
              undefined,
              400,
              "Authentication failure",
            ],
          ],
          [
            "PLAIN 200 password OK",
            "PLAIN 400 password Invalid password",
          ],
        ],
      }
    `),
  );
});

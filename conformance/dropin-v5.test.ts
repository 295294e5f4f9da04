/**
 * Drop-in, differential: the v5 callback API (`zeromq/v5-compat` and `plantrpc/zmq/v5-compat`).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as ours from "../src/zmq/compat/v5.js";

type V5 = typeof ours;
let native: V5 | undefined;
try {
  const name = "zeromq/v5-compat"; // its typings do not resolve under NodeNext; its code does
  native = (await import(name)) as V5;
} catch (e) {
  console.warn(`zeromq/v5-compat cannot load here (${(e as Error).message}): v5 differential tests skipped`);
}

type Sock = ReturnType<V5["socket"]>;

const ROOT = join(import.meta.dirname, "..");
/** The built v5 layer (npm test builds before it runs the suites), for child processes. */
const BUILT_V5 = join(ROOT, "dist", "cjs", "zmq", "compat", "v5.js");

/** Runs a scenario with a library's v5 API; its sockets are closed after it. */
async function run(
  lib: V5,
  scenario: (lib: V5, make: (type: string, options?: object) => Sock) => Promise<unknown>,
): Promise<unknown> {
  const made: Sock[] = [];
  const make = (type: string, options: object = {}) => {
    const s = lib.socket(type as never, { linger: 0, ...options });
    made.push(s);
    return s;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      scenario(lib, make),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("did not finish")), 3000);
      }),
    ]);
  } catch (e) {
    return { error: (e as Error).message, code: (e as { code?: string }).code };
  } finally {
    clearTimeout(timer);
    for (const s of made) s.close();
  }
}

/** Ours must give zeromq/v5-compat's outcome, which `expected` shows at the test (an inline snapshot). */
function differential(name: string, scenario: Parameters<typeof run>[1], expected: (outcome: unknown) => void): void {
  it.skipIf(!native)(name, async () => {
    const theirs = await run(native!, scenario);
    const mine = await run(ours, scenario);
    expect(mine).toEqual(theirs);
    expect(JSON.stringify(mine)).not.toContain("did not finish");
    expected(theirs);
  });
}

const once = <T extends unknown[]>(s: Sock, event: string) =>
  new Promise<T>((resolve) => s.once(event, (...args: unknown[]) => resolve(args as T)));
const bound = (s: Sock, address: string) =>
  new Promise<void>((resolve, reject) => s.bind(address, (e?: Error) => (e ? reject(e) : resolve())));
const text = (frames: unknown[]) => frames.map((f) => String(f));

describe("v5 callback API (differential: zeromq/v5-compat and ours)", () => {
  differential(
    "bindSync: what needs no I/O throws at once (a malformed endpoint, an unknown transport, not a string)",
    async (_lib, make) => {
      const s = make("rep");
      const out: unknown[] = [];
      for (const endpoint of ["tcp://nope", "foo://x", 5]) {
        try {
          s.bindSync(endpoint as string);
          out.push("returned");
        } catch (e) {
          const kind = e instanceof TypeError ? "TypeError" : "Error";
          out.push([kind, (e as { code?: string }).code ?? null, (e as Error).message]);
        }
      }
      return out;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      [
        [
          "Error",
          "EINVAL",
          "Invalid argument",
        ],
        [
          "Error",
          "EPROTONOSUPPORT",
          "Protocol not supported",
        ],
        [
          "TypeError",
          null,
          "Address must be a string",
        ],
      ]
    `),
  );

  differential(
    "req/rep with bind callbacks and message events",
    async (_lib, make) => {
      const rep = make("rep");
      await bound(rep, "tcp://127.0.0.1:*");
      rep.on("message", (...frames: Buffer[]) => rep.send(`${frames[0]} back`));
      const req = make("req");
      req.connect(String(rep.getsockopt("last_endpoint")));
      const replies: string[] = [];
      for (const body of ["one", "two"]) {
        const reply = once<Buffer[]>(req, "message");
        req.send(body);
        replies.push(...text(await reply));
      }
      return replies;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    [
      "one back",
      "two back",
    ]
  `),
  );

  differential(
    "push/pull: a multipart message sent frame by frame with ZMQ_SNDMORE",
    async (lib, make) => {
      const pull = make("pull");
      await bound(pull, "tcp://127.0.0.1:*");
      const push = make("push");
      push.connect(String(pull.getsockopt(lib.ZMQ_LAST_ENDPOINT)));
      const got = once<Buffer[]>(pull, "message");
      push.send("a", lib.ZMQ_SNDMORE);
      push.send(["b", "c"], lib.ZMQ_SNDMORE);
      push.send("d");
      return text(await got);
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    [
      "a",
      "b",
      "c",
      "d",
    ]
  `),
  );

  differential(
    "inproc: message events for single and multipart messages",
    async (_lib, make) => {
      const address = `inproc://v5-${Math.random().toString(36).slice(2)}`;
      const pull = make("pull");
      await bound(pull, address);
      const push = make("push");
      push.connect(address);
      const got = new Promise<string[]>((resolve) => {
        const all: string[] = [];
        pull.on("message", (...frames: Buffer[]) => {
          all.push(text(frames).join("|"));
          if (all.length === 2) resolve(all);
        });
      });
      push.send("single");
      push.send(["multi", "part"]);
      return got;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      [
        "single",
        "multi|part",
      ]
    `),
  );

  differential(
    "proxy(): router/dealer serving REQ/REP, the capture socket gets the replies without their envelope",
    async (lib, make) => {
      const [frontend, backend, capture] = [make("router"), make("dealer"), make("push")];
      for (const s of [frontend, backend, capture]) await bound(s, "tcp://127.0.0.1:*");
      const captured = make("pull");
      captured.connect(String(capture.getsockopt(lib.ZMQ_LAST_ENDPOINT)));
      const copies: string[] = [];
      const bothCopies = new Promise<void>((resolve) =>
        captured.on("message", (...frames: Buffer[]) => {
          copies.push(text(frames).join("|"));
          if (copies.length === 2) resolve();
        }),
      );
      lib.proxy(frontend, backend, capture);
      const rep = make("rep");
      rep.connect(String(backend.getsockopt(lib.ZMQ_LAST_ENDPOINT)));
      rep.on("message", (m: Buffer) => rep.send(`re: ${m}`));
      const req = make("req");
      req.connect(String(frontend.getsockopt(lib.ZMQ_LAST_ENDPOINT)));
      const replies: string[] = [];
      for (const m of ["one", "two"]) {
        const reply = once<Buffer[]>(req, "message");
        req.send(m);
        replies.push(text(await reply).join("|"));
      }
      await bothCopies;
      let unsupported = "";
      try {
        lib.proxy(make("pub"), make("sub"));
      } catch (e) {
        unsupported = (e as Error).message;
      }
      return { replies, copies, unsupported };
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "copies": [
          "re: one",
          "re: two",
        ],
        "replies": [
          "re: one",
          "re: two",
        ],
        "unsupported": "This socket type order is not supported in compatibility mode",
      }
    `),
  );

  differential(
    "pub/sub with subscribe()",
    async (_lib, make) => {
      const pub = make("pub");
      await bound(pub, "tcp://127.0.0.1:*");
      const sub = make("sub");
      sub.subscribe("yes");
      sub.connect(String(pub.last_endpoint));
      const got = once<Buffer[]>(sub, "message");
      const timer = setInterval(() => {
        pub.send("no: skipped");
        pub.send("yes: taken");
      }, 10);
      try {
        return text(await got);
      } finally {
        clearInterval(timer);
      }
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    [
      "yes: taken",
    ]
  `),
  );

  differential(
    "options by number, by short name and as properties",
    async (lib, make) => {
      const s = make("dealer", { identity: "me", [lib.ZMQ_SNDHWM]: 7 });
      s.setsockopt(lib.ZMQ_LINGER, 5);
      s.reconnect_ivl = 250;
      return [
        s.getsockopt("identity"),
        s.getsockopt(lib.ZMQ_SNDHWM),
        s.linger,
        s.getsockopt(lib.ZMQ_RECONNECT_IVL),
        s.getsockopt(lib.ZMQ_TYPE),
      ];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    [
      "me",
      1000,
      5,
      250,
      5,
    ]
  `),
  );

  differential(
    "a failed bind reaches its callback",
    async (_lib, make) => {
      const a = make("pull");
      await bound(a, "tcp://127.0.0.1:*");
      const b = make("pull");
      return await new Promise((resolve) =>
        b.bind(String(a.last_endpoint), (e?: Error) => resolve((e as { code?: string })?.code)),
      );
    },
    (outcome) => expect(outcome).toMatchInlineSnapshot(`"EADDRINUSE"`),
  );

  differential(
    "constants",
    async (lib) => [
      lib.ZMQ_PAIR,
      lib.ZMQ_XREP,
      lib.ZMQ_STREAM,
      lib.ZMQ_SNDMORE,
      lib.ZMQ_POLLIN,
      lib.ZMQ_LINGER,
      lib.ZMQ_CONNECT_TIMEOUT,
      lib.STATE_CLOSED,
      lib.options.identity,
      lib.version,
    ],
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    [
      0,
      6,
      11,
      2,
      1,
      17,
      79,
      2,
      5,
      "4.3.5",
    ]
  `),
  );

  differential(
    "curveKeypair(): a public and a secret key, 40 characters of Z85 each",
    async (lib) => {
      const { public: publicKey, secret } = (
        lib as unknown as { curveKeypair(): { public: string; secret: string } }
      ).curveKeypair();
      return [publicKey.length, secret.length, /^[\x21-\x7e]{40}$/.test(publicKey), publicKey !== secret];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    [
      40,
      40,
      true,
      true,
    ]
  `),
  );

  differential(
    "monitor(): connect events under libzmq's names",
    async (_lib, make) => {
      const pull = make("pull");
      await bound(pull, "tcp://127.0.0.1:*");
      const push = make("push");
      push.monitor(10, 0);
      const connected = once<unknown[]>(push, "connect");
      push.connect(String(pull.last_endpoint));
      const [value, address] = await connected;
      return [typeof value, address === pull.last_endpoint];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    [
      "undefined",
      true,
    ]
  `),
  );

  differential(
    "ten send()s in a row on a REQ: queued, each sent once the reply to the one before has come",
    async (_lib, make) => {
      const rep = make("rep");
      rep.on("message", (m: Buffer) => rep.send(`re:${m}`));
      await bound(rep, "tcp://127.0.0.1:*");
      const req = make("req");
      req.connect(String(rep.getsockopt("last_endpoint")));
      const replies: string[] = [];
      const all = new Promise<void>((resolve) =>
        req.on("message", (m: Buffer) => {
          replies.push(String(m));
          if (replies.length === 10) resolve();
        }),
      );
      for (let i = 0; i < 10; i++) req.send(String(i));
      await all;
      return replies;
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      [
        "re:0",
        "re:1",
        "re:2",
        "re:3",
        "re:4",
        "re:5",
        "re:6",
        "re:7",
        "re:8",
        "re:9",
      ]
    `),
  );

  it.skipIf(!native || !existsSync(BUILT_V5))(
    "a message handler that throws: the error is uncaught, the next messages still come",
    () => {
      // Run as child processes: the error is meant to reach the process's uncaughtException.
      const script = (lib: string) => `
      const zmq = ${lib};
      const caught = [];
      process.on("uncaughtException", (e) => caught.push(e.message));
      const pull = zmq.socket("pull"), push = zmq.socket("push");
      const address = "ipc://" + require("node:os").tmpdir() + "/plantrpc-v5-throw-" + process.pid;
      pull.bindSync(address);
      push.connect(address);
      const got = [];
      pull.on("message", (m) => {
        got.push(String(m));
        if (String(m) === "a") throw new Error("handler bug");
        if (got.length === 3) {
          console.log(JSON.stringify({ got, caught }));
          pull.close();
          push.close();
        }
      });
      for (const m of ["a", "b", "c"]) push.send(m);
      setTimeout(() => process.exit(1), 3000).unref();`;
      const run = (lib: string) =>
        execFileSync(process.execPath, ["-e", script(lib)], { cwd: ROOT, encoding: "utf8", timeout: 10_000 }).trim();
      const theirs = run('require("zeromq/v5-compat")');
      expect(run(`require(${JSON.stringify(BUILT_V5)})`)).toBe(theirs);
      expect(JSON.parse(theirs)).toEqual({ got: ["a", "b", "c"], caught: ["handler bug"] });
    },
  );
});

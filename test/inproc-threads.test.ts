/**
 * inproc:// between worker threads, ours alone (transport/inproc-threads.ts, channel-carrier.ts):
 * an endpoint bound in one thread is reached from the others, both ways, and a thread that goes
 * away is seen to go. conformance/dropin-threads.test.ts compares the same with the native
 * package, but needs it and a build of dist/. Here a worker runs the library built from src/ by
 * esbuild (one bundle for the file, in a temporary directory): what it tests is the source as it
 * is now, never a stale dist/.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Client, Radio, Server } from "../src/zmq/draft.js";
import { Authenticator, Context, Pull, Push } from "../src/zmq/index.js";
import { until } from "../conformance/helpers/wait.js";
import { track } from "./helpers/sockets.js";

const ROOT = join(import.meta.dirname, "..");
/** Generous: a loaded machine starts a worker and loads the library in it; nothing waits on purpose. */
const LIMIT_MS = 20_000;

let bundleDir = "";
let bundleUrl = "";
beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), "plantrpc-inproc-threads-"));
  const outfile = join(bundleDir, "zmq.mjs");
  await build({
    stdin: {
      contents: 'export * from "./src/zmq/index.ts";\nexport * from "./src/zmq/draft.ts";\n',
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    // CURVE's WebAssembly, loaded only when CURVE is used (not here).
    external: ["libsodium-wrappers"],
    logLevel: "silent",
  });
  bundleUrl = pathToFileURL(outfile).href;
}, LIMIT_MS);
afterAll(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

let names = 0;
const endpoint = () => `inproc://threads-${process.pid}-${++names}`;

interface Started {
  worker: Worker;
  /** The next value the worker posts (a worker error rejects it). */
  next(): Promise<unknown>;
  post(value: unknown): void;
  /** The worker's exit code, once it has exited. */
  exited: Promise<number>;
}

/**
 * Starts a worker running `body` (an ES module's code) with `z` the library (src/, bundled),
 * `toMain(value)` and `fromMain()` its link to this thread, and `data` the value given here.
 */
function startWorker(body: string, data: unknown = null): Started {
  const code = `
    process.removeAllListeners("warning"); // the draft API's notice: this thread's stderr stays quiet
    const z = await import(${JSON.stringify(bundleUrl)});
    const { parentPort, workerData: data } = await import("node:worker_threads");
    const inbox = [];
    const waiting = [];
    parentPort.on("message", (m) => (waiting.length ? waiting.shift()(m) : inbox.push(m)));
    // The link to the main thread keeps this thread alive only while it waits on fromMain().
    parentPort.unref();
    const fromMain = () => {
      if (inbox.length) return Promise.resolve(inbox.shift());
      parentPort.ref();
      return new Promise((r) => waiting.push((m) => { parentPort.unref(); r(m); }));
    };
    const toMain = (value) => parentPort.postMessage(value);
    ${body}
  `;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: data });
  workers.push(worker);
  const queue: unknown[] = [];
  const waiting: Array<{ resolve(v: unknown): void; reject(e: unknown): void }> = [];
  let failure: unknown;
  worker.on("message", (m) => {
    const w = waiting.shift();
    if (w) w.resolve(m);
    else queue.push(m);
  });
  worker.on("error", (e) => {
    failure = e;
    for (const w of waiting.splice(0)) w.reject(e);
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  void exited.then((code) => {
    failure ??= new Error(`the worker exited (${code}) with nothing more to say`);
    for (const w of waiting.splice(0)) w.reject(failure);
  });
  return {
    worker,
    next: () =>
      queue.length > 0
        ? Promise.resolve(queue.shift())
        : failure
          ? Promise.reject(failure)
          : new Promise((resolve, reject) => waiting.push({ resolve, reject })),
    post: (value) => worker.postMessage(value),
    exited,
  };
}

/** What the SERVER is waited for after its client left: no events over inproc, so it is asked until it forgets the id. */
const FORGOTTEN = "the SERVER forgetting the departed client's routing id";

/** Whether a bind of `at` succeeds now (a name another thread held is free again). */
function bindsNow(socket: { bind(at: string): Promise<void> }, at: string): Promise<boolean> {
  return socket.bind(at).then(
    () => true,
    () => false,
  );
}

/** What a SERVER send to `routingId` gives: "ok" or the error's code. */
async function sendOutcome(server: Server, routingId: number): Promise<string> {
  try {
    await server.send("still there?", { routingId });
    return "ok";
  } catch (e) {
    return String((e as { code?: string }).code);
  }
}

describe("inproc:// across worker threads", () => {
  it(
    "the main thread binds a SERVER, a worker's CLIENT connects: both ways, then the worker's close is seen",
    async () => {
      const at = endpoint();
      const server = track(new Server());
      await server.bind(at);
      const w = startWorker(
        `const client = new z.Client(); client.connect(data);
         await client.send("hello from the worker");
         const [reply] = await client.receive();
         toMain(String(reply));
         await fromMain();
         client.close();
         toMain("closed");`,
        at,
      );
      const [body, { routingId }] = await server.receive();
      expect(String(body)).toBe("hello from the worker");
      await server.send("hello, worker", { routingId });
      expect(await w.next()).toBe("hello, worker");
      w.post("close now");
      expect(await w.next()).toBe("closed");
      // No events over inproc (as libzmq's monitor): the SERVER is asked until it no longer knows the id.
      await until(async () => (await sendOutcome(server, routingId)) === "EHOSTUNREACH", {
        timeout: LIMIT_MS / 2,
        what: FORGOTTEN,
      });
      expect(await w.exited).toBe(0);
    },
    LIMIT_MS,
  );

  it(
    "the main thread connects first, a worker binds later: request and reply, and the main thread's disconnect is seen there",
    async () => {
      const at = endpoint();
      const client = track(new Client());
      client.connect(at);
      await client.send("sent before the bind");
      const w = startWorker(
        `const server = new z.Server(); await server.bind(data);
         let id;
         for (let i = 0; i < 2; i++) {
           const [m, { routingId }] = await server.receive();
           id = routingId;
           await server.send("re: " + m, { routingId });
         }
         toMain("answered");
         for (;;) {
           try { await server.send("still there?", { routingId: id }); }
           catch (e) { toMain(e.code); break; }
           await new Promise((r) => setTimeout(r, 5));
         }
         server.close();`,
        at,
      );
      expect(String((await client.receive())[0])).toBe("re: sent before the bind");
      await client.send("second");
      expect(String((await client.receive())[0])).toBe("re: second");
      expect(await w.next()).toBe("answered");
      client.disconnect(at);
      expect(await w.next()).toBe("EHOSTUNREACH");
      expect(await w.exited).toBe(0);
    },
    LIMIT_MS,
  );

  it(
    "a context other than the global one keeps its names in its thread: a worker binds the same name, and reaches its own",
    async () => {
      const at = endpoint();
      const own = new Context();
      const inContext = track(new Pull({ context: own, receiveTimeout: 300 }));
      await inContext.bind(at);
      // The worker binds the name in the global context (the process-wide one): free there.
      const w = startWorker(
        `const pull = new z.Pull(); await pull.bind(data);
         const push = new z.Push(); push.connect(data);
         await push.send("to the worker's own");
         toMain(String((await pull.receive())[0]));
         toMain(String((await pull.receive())[0]));
         pull.close(); push.close();`,
        at,
      );
      expect(await w.next()).toBe("to the worker's own");
      // A global socket here reaches the worker's name, not the context's.
      const push = track(new Push());
      push.connect(at);
      await push.send("crossing threads");
      expect(await w.next()).toBe("crossing threads");
      await expect(inContext.receive()).rejects.toMatchObject({ code: "EAGAIN" });
      expect(await w.exited).toBe(0);
    },
    LIMIT_MS,
  );

  it(
    "the main thread's Authenticator answers the ZAP requests of a worker's sockets (the global context is process-wide)",
    async () => {
      const auth = new Authenticator({ deny: ["127.0.0.1"] });
      await auth.start();
      try {
        const w = startWorker(
          `const rep = new z.Reply({ zapDomain: "global", linger: 0 });
           await rep.bind("tcp://127.0.0.1:*");
           const req = new z.Request({ linger: 0 });
           const refused = new Promise((r) => rep.events.on("handshake:error:auth", (e) => r(e.error.status)));
           req.connect(rep.lastEndpoint);
           void req.send("hello").catch(() => undefined);
           const served = rep.receive().then(() => "served", () => "closed");
           toMain(await Promise.race([served, refused]));
           rep.close(); req.close();`,
        );
        // Without the main thread's handler, NULL with a ZAP domain would be admitted: "served".
        expect(await w.next()).toBe(400);
        expect(await w.exited).toBe(0);
      } finally {
        await auth.stop();
      }
    },
    LIMIT_MS,
  );

  it(
    "a worker's PUSH to the main thread's PULL: multipart and a 1 MiB frame arrive whole, in order",
    async () => {
      const at = endpoint();
      const pull = track(new Pull());
      await pull.bind(at);
      startWorker(
        `const push = new z.Push(); push.connect(data);
         await push.send("one");
         await push.send(["multi", "part"]);
         await push.send(Buffer.alloc(1 << 20, 7));
         await push.send("last");
         await fromMain();`,
        at,
      );
      const got: string[] = [];
      for (let i = 0; i < 4; i++) {
        const frames = await pull.receive();
        got.push(frames.map((f) => (f.length > 64 ? `${f.length} octets of ${f[0]}` : String(f))).join("|"));
      }
      expect(got).toEqual(["one", "multi|part", "1048576 octets of 7", "last"]);
    },
    LIMIT_MS,
  );

  it(
    "a worker that ends with its socket open: the main thread sees its peer go",
    async () => {
      const at = endpoint();
      const server = track(new Server());
      await server.bind(at);
      const w = startWorker(
        `const client = new z.Client(); client.connect(data);
         await client.send("about to end");
         // Ends without closing: nothing else holds this thread.`,
        at,
      );
      const [, { routingId }] = await server.receive();
      expect(await w.exited).toBe(0);
      await until(async () => (await sendOutcome(server, routingId)) === "EHOSTUNREACH", {
        timeout: LIMIT_MS / 2,
        what: FORGOTTEN,
      });
    },
    LIMIT_MS,
  );

  /*
   * BUG (reported, not fixed here): a worker stopped by worker.terminate() never says goodbye.
   * inproc-threads.ts leaves the directory (closing the thread's connections, withdrawing its
   * names) on the thread's process "exit" event, which Node does not emit on terminate(): the
   * main thread keeps the worker's CLIENT as a peer forever (sends to it succeed, and are lost),
   * and the names the worker bound stay bound (next test). A worker that ends by itself is seen
   * to go (above). it.fails until a terminated thread's peers see it go; then make these it().
   */
  it.fails(
    "a worker terminated from outside: the main thread sees its peer go",
    async () => {
      const at = endpoint();
      const server = track(new Server());
      await server.bind(at);
      const w = startWorker(
        `const client = new z.Client(); client.connect(data);
         await client.send("about to be terminated");
         setInterval(() => {}, 1000); // would run forever`,
        at,
      );
      const [, { routingId }] = await server.receive();
      await w.worker.terminate();
      await until(async () => (await sendOutcome(server, routingId)) === "EHOSTUNREACH", {
        timeout: 2000,
        what: FORGOTTEN,
      });
    },
    LIMIT_MS,
  );

  it.fails(
    "a name bound in a worker terminated from outside can be bound again",
    async () => {
      const at = endpoint();
      const w = startWorker(
        `const server = new z.Server(); await server.bind(data); toMain("bound");
         setInterval(() => {}, 1000); // would run forever`,
        at,
      );
      expect(await w.next()).toBe("bound");
      await w.worker.terminate();
      const again = track(new Server());
      await until(() => bindsNow(again, at), { timeout: 2000, what: "the name free again" });
    },
    LIMIT_MS,
  );

  it(
    "a name bound in a worker cannot be bound in the main thread (EADDRINUSE) until the worker has ended; a CLIENT connected to it then reaches the new SERVER",
    async () => {
      const at = endpoint();
      const w = startWorker(
        `const server = new z.Server(); await server.bind(data);
         toMain("bound");
         const [m, { routingId }] = await server.receive();
         await server.send("re: " + m, { routingId });
         await fromMain();
         // Ends with the SERVER open.`,
        at,
      );
      expect(await w.next()).toBe("bound");
      const client = track(new Client());
      client.connect(at);
      await client.send("to the worker");
      expect(String((await client.receive())[0])).toBe("re: to the worker");
      const second = track(new Server());
      await expect(second.bind(at)).rejects.toMatchObject({ code: "EADDRINUSE" });
      w.post("end");
      expect(await w.exited).toBe(0);
      await until(() => bindsNow(second, at), { timeout: LIMIT_MS / 2, what: "the name free again" });
      await client.send("to the main thread");
      const [body] = await second.receive();
      expect(String(body)).toBe("to the main thread");
    },
    LIMIT_MS,
  );

  it(
    "two workers talk to each other; the main thread binds nothing",
    async () => {
      const at = endpoint();
      const a = startWorker(
        `const server = new z.Server(); await server.bind(data); toMain("bound");
         const [m, { routingId }] = await server.receive();
         await server.send("a got " + m, { routingId });
         toMain("a done");
         server.close();`,
        at,
      );
      expect(await a.next()).toBe("bound");
      const b = startWorker(
        `const client = new z.Client(); client.connect(data);
         await client.send("from b");
         const [m] = await client.receive();
         toMain(String(m));
         client.close();`,
        at,
      );
      expect(await a.next()).toBe("a done");
      expect(await b.next()).toBe("a got from b");
      expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    },
    LIMIT_MS,
  );

  it(
    "a worker's DISH joins a group of the main thread's RADIO: JOIN crosses the threads, other groups do not",
    async () => {
      const at = endpoint();
      const radio = track(new Radio());
      await radio.bind(at);
      const w = startWorker(
        `const dish = new z.Dish(); dish.join("g"); dish.connect(data);
         const [first, { group }] = await dish.receive();
         toMain(group + ":" + first);
         const got = [];
         for (;;) {
           const [m, { group }] = await dish.receive();
           if (String(m) === "probe") continue;
           got.push(group + ":" + m);
           if (String(m) === "end") break;
         }
         toMain(got);
         dish.close();`,
        at,
      );
      // The DISH's JOIN reaches the RADIO after the connection is made: probes until one arrives.
      const timer = setInterval(() => {
        void radio.send("probe", { group: "g" });
        void radio.send("not joined", { group: "h" });
      }, 10);
      try {
        expect(await w.next()).toBe("g:probe");
      } finally {
        clearInterval(timer);
      }
      await radio.send("not joined", { group: "h" });
      await radio.send("joined", { group: "g" });
      await radio.send("end", { group: "g" });
      expect(await w.next()).toEqual(["g:joined", "g:end"]);
    },
    LIMIT_MS,
  );

  it(
    "the main thread's PUSH load-balances over PULLs in two workers",
    async () => {
      const at = [endpoint(), endpoint()];
      const pulls = at.map((e) =>
        startWorker(
          `const pull = new z.Pull(); await pull.bind(data); toMain("bound");
           const got = [];
           for (let i = 0; i < 3; i++) got.push(String((await pull.receive())[0]));
           toMain(got.join(","));
           pull.close();`,
          e,
        ),
      );
      for (const p of pulls) expect(await p.next()).toBe("bound");
      const push = track(new Push());
      for (const e of at) push.connect(e);
      for (let i = 0; i < 6; i++) await push.send(String(i));
      expect(await Promise.all(pulls.map((p) => p.next()))).toEqual(["0,2,4", "1,3,5"]);
    },
    LIMIT_MS,
  );
});

/**
 * Drop-in, differential, in child processes: sockets in worker threads. The native package's
 * context is process-wide, so an inproc:// endpoint bound in one thread is reachable from the
 * others (ours: the thread directory, transport/inproc-threads.ts); tcp and ipc work between
 * threads as between processes. Each scenario is a script run under both libraries; what it
 * prints must be the same.
 */
import { describe, expect, it } from "vitest";
import { LIBRARIES, processesMissing, runScript } from "./dropin/processes.js";

/** Generous: a loaded machine starts Node and a worker or two; nothing here waits on purpose. */
const LIMIT_MS = 8000;

/**
 * A main-thread script that starts workers running `workers` (code; `z` is the library there
 * too, `parentPort` the link to the main thread) and then runs `main`; `started` is the
 * workers' Worker objects, `fromWorker(i)` the next value worker i posts.
 */
function program(library: string, workers: string[], main: string): string {
  const prelude = `const z = await import(${JSON.stringify(library)}); const { parentPort } = await import("node:worker_threads");\n`;
  return `
    const { Worker } = await import("node:worker_threads");
    const started = ${JSON.stringify(workers.map((w) => prelude + w))}.map(
      (code) => new Worker(new URL("data:text/javascript," + encodeURIComponent(code))),
    );
    const inboxes = started.map((w) => {
      const queue = [];
      const waiting = [];
      w.on("message", (m) => (waiting.length ? waiting.shift()(m) : queue.push(m)));
      w.on("error", (e) => console.log("worker error", e.message));
      return { next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r))) };
    });
    const fromWorker = (i) => inboxes[i].next();
    const ended = started.map((w) => new Promise((r) => w.on("exit", r)));
    ${main}
    // Done: the native package's process now and then does not exit by itself after threads
    // (1 run in 4 on a loaded machine, its output complete); when a process ends is
    // dropin-lifetime.test.ts's question, not this file's.
    process.exit(0);
  `;
}

const show = (frames: Buffer[]) =>
  frames.map((f) => (f.length > 64 ? `${f.length} octets of ${f[0]}` : String(f))).join("|");

const SCENARIOS: Record<string, (library: string) => string> = {
  "inproc: the main thread binds, a worker connects and sends": (lib) =>
    program(
      lib,
      [
        `const push = new z.Push(); push.connect("inproc://from-worker");
         await push.send("hello"); await push.send(["multi", "part"]); await push.send(Buffer.alloc(1 << 20, 7));
         // Until the main thread has it all: the native package may lose a large frame whose
         // sending worker ends at once (its memory goes with the thread).
         await new Promise((r) => parentPort.once("message", r));`,
      ],
      `const pull = new z.Pull(); await pull.bind("inproc://from-worker");
       const show = ${show.toString()};
       for (let i = 0; i < 3; i++) console.log(show(await pull.receive()));
       started[0].postMessage("all received");
       await ended[0]; console.log("worker ended"); pull.close();`,
    ),
  "inproc: the main thread connects before a worker binds; request and reply": (lib) =>
    program(
      lib,
      [
        `const rep = new z.Reply(); await rep.bind("inproc://in-worker"); parentPort.postMessage("bound");
         for (let i = 0; i < 2; i++) { const [m] = await rep.receive(); await rep.send("re:" + m); }
         rep.close();`,
      ],
      `const req = new z.Request(); req.connect("inproc://in-worker");
       await req.send("one"); console.log(String(await req.receive()));
       console.log(await fromWorker(0));
       await req.send("two"); console.log(String(await req.receive()));
       await ended[0]; console.log("worker ended"); req.close();`,
    ),
  "inproc: two workers talk to each other": (lib) =>
    program(
      lib,
      [
        `const pair = new z.Pair(); await pair.bind("inproc://between-workers");
         const [m] = await pair.receive(); await pair.send("a got " + m);
         parentPort.postMessage("a done"); pair.close();`,
        `const pair = new z.Pair(); pair.connect("inproc://between-workers");
         await pair.send("from b"); const [m] = await pair.receive();
         parentPort.postMessage(String(m)); pair.close();`,
      ],
      `console.log(await fromWorker(0)); console.log(await fromWorker(1));
       await Promise.all(ended); console.log("workers ended");`,
    ),
  "inproc: a name bound in another thread cannot be bound again": (lib) =>
    program(
      lib,
      [
        `const s = new z.Pull();
         try { await s.bind("inproc://taken"); parentPort.postMessage("bound"); }
         catch (e) { parentPort.postMessage(e.code + " " + e.message); }
         s.close();`,
      ],
      `const s = new z.Push(); await s.bind("inproc://taken");
       console.log(await fromWorker(0)); await ended[0]; s.close();`,
    ),
  "inproc: a name bound by a new context of the main thread stays its own; a worker binds it too": (lib) =>
    program(
      lib,
      [
        `const pull = new z.Pull();
         try { await pull.bind("inproc://in-a-context"); parentPort.postMessage("bound"); }
         catch (e) { parentPort.postMessage(e.code); }
         parentPort.postMessage(String((await pull.receive())[0])); pull.close();`,
      ],
      `const own = new z.Pull({ context: new z.Context() }); await own.bind("inproc://in-a-context");
       console.log(await fromWorker(0));
       const push = new z.Push(); push.connect("inproc://in-a-context"); await push.send("to the worker");
       console.log(await fromWorker(0)); await ended[0]; push.close(); own.close();`,
    ),
  "ZAP: a handler bound in the main thread answers a worker's server": (lib) =>
    program(
      lib,
      [
        `const rep = new z.Reply({ zapDomain: "global", linger: 0 });
         // Events read one by one: the native package's on() would keep this thread running.
         const refused = (async () => {
           for (;;) { const e = await rep.events.receive(); if (e.type === "handshake:error:auth") return e; }
         })();
         await rep.bind("tcp://127.0.0.1:*");
         const req = new z.Request({ linger: 0 }); req.connect(rep.lastEndpoint);
         void req.send("hello").catch(() => undefined);
         parentPort.postMessage("refused " + (await refused).error.status);
         rep.close(); req.close();`,
      ],
      `const zap = new z.Router(); await zap.bind("inproc://zeromq.zap.01");
       const [id, , version, requestId, domain, , , mechanism] = await zap.receive();
       console.log("asked " + String(domain) + " " + String(mechanism));
       await zap.send([id, "", version, requestId, "400", "No", "", ""]);
       console.log(await fromWorker(0)); await ended[0]; zap.close();`,
    ),
  "tcp and ipc between a worker and the main thread": (lib) =>
    program(
      lib,
      [
        `const { endpoints } = await new Promise((r) => parentPort.once("message", r));
         for (const endpoint of endpoints) {
           const dealer = new z.Dealer(); dealer.connect(endpoint);
           await dealer.send("over " + endpoint.split(":")[0]);
           const [reply] = await dealer.receive(); parentPort.postMessage(String(reply)); dealer.close();
         }`,
      ],
      `const router = new z.Router(); await router.bind("tcp://127.0.0.1:*");
       const tcp = router.lastEndpoint;
       const ipc = "ipc:///tmp/plantrpc-threads-" + process.pid + "-" + Math.random().toString(36).slice(2);
       await router.bind(ipc);
       started[0].postMessage({ endpoints: [tcp, ipc] });
       for (let i = 0; i < 2; i++) {
         const [id, m] = await router.receive(); await router.send([id, "got " + m]);
         console.log(await fromWorker(0));
       }
       await ended[0]; console.log("worker ended"); router.close();`,
    ),
};

describe.skipIf(processesMissing !== undefined)("worker threads (differential, child processes)", () => {
  it("inproc across threads, and tcp and ipc between them, as the native package", async () => {
    const results: Record<string, string> = {};
    for (const [name, script] of Object.entries(SCENARIOS)) {
      const [theirs, mine] = await Promise.all([
        runScript(LIBRARIES!.theirs, script(LIBRARIES!.theirs), LIMIT_MS),
        runScript(LIBRARIES!.mine, script(LIBRARIES!.mine), LIMIT_MS),
      ]);
      expect({ name, ended: mine.ended, stdout: mine.stdout }).toEqual({
        name,
        ended: theirs.ended,
        stdout: theirs.stdout,
      });
      results[name] = `${theirs.ended}: ${theirs.stdout.split("\n").join(" / ")}`;
    }
    expect(results).toMatchInlineSnapshot(`
      {
        "ZAP: a handler bound in the main thread answers a worker's server": "exited 0: asked global NULL / refused 400",
        "inproc: a name bound by a new context of the main thread stays its own; a worker binds it too": "exited 0: bound / to the worker",
        "inproc: a name bound in another thread cannot be bound again": "exited 0: EADDRINUSE Address already in use",
        "inproc: the main thread binds, a worker connects and sends": "exited 0: hello / multi|part / 1048576 octets of 7 / worker ended",
        "inproc: the main thread connects before a worker binds; request and reply": "exited 0: re:one / bound / re:two / worker ended",
        "inproc: two workers talk to each other": "exited 0: a done / a got from b / workers ended",
        "tcp and ipc between a worker and the main thread": "exited 0: got over tcp / got over ipc / worker ended",
      }
    `);
  }, 90000);
});

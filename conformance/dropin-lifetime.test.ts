/**
 * Drop-in, differential, in child processes: when a program ends. With the native package an
 * idle socket (open, bound, connected) lets the process exit; a waiting operation (a send
 * waiting for a peer, a receive, an event stream being read) holds it; at exit, messages still
 * queued for peers are waited for per `linger`, with a warning. Each scenario runs as a script
 * under both libraries, with a time limit; a worker thread that leaves a bound socket open ends.
 */
import { describe, expect, it } from "vitest";
import { LIBRARIES, processesMissing, runScript } from "./dropin/processes.js";

/** Long enough for a loaded machine to start Node and run the script; what still runs then holds. */
const LIMIT_MS = 2500;
/** Scripts run at once: more would starve each other of CPU on a small machine. */
const PARALLEL = 4;
const skip = processesMissing !== undefined;

async function run(library: string, body: string): Promise<{ ended: string; warned: string | false; stdout: string }> {
  const { ended, warned, stdout } = await runScript(library, body, LIMIT_MS);
  return { ended, warned, stdout };
}

const SCENARIOS: Record<string, string> = {
  "a bound socket, idle": `const s = new z.Router(); await s.bind("tcp://127.0.0.1:*");`,
  "a connected socket, idle": `const s = new z.Dealer(); s.connect("tcp://127.0.0.1:9");`,
  "a send waiting for a peer (no endpoint)": `const s = new z.Dealer(); await s.send("x"); console.log("sent");`,
  "a message queued for a peer never reached (default linger)": `const s = new z.Dealer(); s.connect("tcp://127.0.0.1:9"); await s.send("x"); console.log("queued");`,
  "a message queued for a peer never reached (linger 300)": `const s = new z.Dealer({ linger: 300 }); s.connect("tcp://127.0.0.1:9"); await s.send("x"); console.log("queued");`,
  "a message queued for a peer never reached (linger 0)": `const s = new z.Dealer({ linger: 0 }); s.connect("tcp://127.0.0.1:9"); await s.send("x"); console.log("queued");`,
  "connect, send, close at once (the connection still under way)": `const pull = new z.Pull(); await pull.bind("tcp://127.0.0.1:*"); const push = new z.Push(); push.connect(pull.lastEndpoint); await push.send("x"); push.close(); console.log(String((await pull.receive())[0])); pull.close();`,
  "a pending receive": `const s = new z.Pull(); await s.bind("tcp://127.0.0.1:*"); await s.receive();`,
  "events read with for await": `const s = new z.Pull(); for await (const e of s.events) {}`,
  "events listened to with on()": `const s = new z.Pull(); s.events.on("bind", () => {});`,
  "an exchange done, sockets left open": `const pull = new z.Pull(); await pull.bind("tcp://127.0.0.1:*"); const push = new z.Push(); push.connect(pull.lastEndpoint); await push.send("x"); console.log(String((await pull.receive())[0]));`,
};

describe.skipIf(skip)("when a process ends (differential, child processes)", () => {
  it("as the native package: idle sockets let it go, waiting operations and queued messages hold it", async () => {
    const entries = Object.entries(SCENARIOS);
    const results: Array<{
      name: string;
      theirs: Awaited<ReturnType<typeof run>>;
      mine: Awaited<ReturnType<typeof run>>;
    }> = [];
    for (let i = 0; i < entries.length; i += PARALLEL / 2) {
      const batch = entries.slice(i, i + PARALLEL / 2);
      results.push(
        ...(await Promise.all(
          batch.map(async ([name, body]) => {
            const [theirs, mine] = await Promise.all([run(LIBRARIES!.theirs, body), run(LIBRARIES!.mine, body)]);
            return { name, theirs, mine };
          }),
        )),
      );
    }
    for (const { name, theirs, mine } of results) expect({ name, ...mine }).toEqual({ name, ...theirs });
    // The warning, word for word, on a line of its own (the pid aside).
    expect(results.find((r) => r.theirs.warned)?.theirs.warned).toBe(
      "(node:PID) WARNING: Waiting for queued ZeroMQ messages to be delivered. Set 'context.blocky = false' to change this behaviour.",
    );
    expect(
      Object.fromEntries(results.map((r) => [r.name, `${r.theirs.ended}${r.theirs.warned ? ", warned" : ""}`])),
    ).toMatchInlineSnapshot(`
        {
          "a bound socket, idle": "exited 0",
          "a connected socket, idle": "exited 0",
          "a message queued for a peer never reached (default linger)": "still running, warned",
          "a message queued for a peer never reached (linger 0)": "exited 0",
          "a message queued for a peer never reached (linger 300)": "exited 0",
          "a pending receive": "still running",
          "a send waiting for a peer (no endpoint)": "still running",
          "an exchange done, sockets left open": "exited 0",
          "connect, send, close at once (the connection still under way)": "exited 0",
          "events listened to with on()": "still running",
          "events read with for await": "still running",
        }
      `);
  }, 60000);

  it("a worker thread that leaves a bound socket open ends", async () => {
    const worker = (library: string) =>
      `const z = await import(${JSON.stringify(library)}); const s = new z.Router(); await s.bind("tcp://127.0.0.1:*");`;
    const body = (library: string) => `
      const { Worker } = await import("node:worker_threads");
      const code = ${JSON.stringify(worker(library))};
      const w = new Worker(new URL("data:text/javascript," + encodeURIComponent(code)));
      w.on("exit", (code) => console.log("worker exited", code));`;
    const [theirs, mine] = await Promise.all([
      run(LIBRARIES!.theirs, body(LIBRARIES!.theirs)),
      run(LIBRARIES!.mine, body(LIBRARIES!.mine)),
    ]);
    expect(mine).toEqual(theirs);
    expect(theirs.stdout).toBe("worker exited 0");
  }, 10000);
});

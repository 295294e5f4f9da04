/**
 * The call extension (protocol-spec/rpc.md, section 8) between plantrpc peers: a caller that
 * gives up reaches the handler (abort, timeout, close), progress before the result, stream
 * methods read at the reader's pace, and what a reference client sees of them.
 */
import { Buffer } from "node:buffer";
import { afterEach, describe, expect, it } from "vitest";
import { createVirtualCamera } from "../src/demo/camera.js";
import {
  type BufferResult,
  type CallContext,
  RemoteError,
  RPCClient,
  RPCServer,
  RpcTimeoutError,
} from "../src/index.js";
import { Dealer, Request, Router } from "../src/zmq/index.js";
import { settle } from "../conformance/helpers/wait.js";

const servers: RPCServer[] = [];
const clients: RPCClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) s.close();
});

async function device(setup: (server: RPCServer) => void): Promise<RPCServer> {
  const server = new RPCServer({ url: "tcp://127.0.0.1" });
  setup(server);
  await server.start();
  void server.serveForever();
  servers.push(server);
  return server;
}

async function client(server: RPCServer): Promise<RPCClient> {
  const c = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`);
  clients.push(c);
  return c;
}

/** A handler that waits until its call is given up, and says why. */
function waitForAbort(aborted: (reason: unknown) => void) {
  return (call: CallContext) =>
    new Promise((_, reject) => {
      call.signal.addEventListener("abort", () => {
        aborted(call.signal.reason);
        reject(call.signal.reason);
      });
    });
}

/** A promise and the function that resolves it. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("cancellation that reaches the handler", () => {
  it("the caller's abort aborts the handler's signal", async () => {
    const handlerAborted = deferred<unknown>();
    const started = deferred<void>();
    const server = await device((s) =>
      s.registerMethodJson(
        "scan",
        (call: CallContext) => {
          started.resolve();
          return waitForAbort(handlerAborted.resolve)(call);
        },
        { callContext: true, timeout: null },
      ),
    );
    const c = await client(server);
    const controller = new AbortController();
    const call = c.call("scan", [], {}, { signal: controller.signal });
    await started.promise; // the call is on the device: the abort reaches its handler
    controller.abort(new Error("operator pressed Cancel"));
    await expect(call).rejects.toThrow("operator pressed Cancel");
    const reason = await handlerAborted.promise;
    expect((reason as DOMException).name).toBe("AbortError");
    expect(String((reason as Error).message)).toMatch(/gave up/);
  });

  it("the caller's timeout aborts the handler's signal", async () => {
    const handlerAborted = deferred<unknown>();
    const server = await device((s) =>
      s.registerMethodJson("scan", waitForAbort(handlerAborted.resolve), { callContext: true }),
    );
    const c = await client(server);
    await expect(c.call("scan", [], {}, { timeout: 100 })).rejects.toBeInstanceOf(RpcTimeoutError);
    await handlerAborted.promise;
  });

  it("client.close() (its connection closing) aborts the handler's signal", async () => {
    const handlerAborted = deferred<unknown>();
    const started = deferred<void>();
    const server = await device((s) =>
      s.registerMethodJson(
        "scan",
        (call: CallContext) => {
          started.resolve();
          return waitForAbort(handlerAborted.resolve)(call);
        },
        { callContext: true, timeout: null },
      ),
    );
    const c = await client(server);
    const call = c.call("scan").catch((e: Error) => e);
    await started.promise;
    c.close();
    expect(String(await call)).toMatch(/client closed/);
    expect(String(((await handlerAborted.promise) as Error).message)).toMatch(/connection closed/);
  });

  it("a device serving one call at a time can still be told to stop it (CANCEL is read past maxConcurrentCalls)", async () => {
    const handlerAborted = deferred<unknown>();
    const started = deferred<void>();
    const server = new RPCServer({ url: "tcp://127.0.0.1", maxConcurrentCalls: 1 });
    server.registerMethodJson(
      "move",
      (call: CallContext) => {
        started.resolve();
        return waitForAbort(handlerAborted.resolve)(call);
      },
      { callContext: true, timeout: null },
    );
    server.registerMethodJson("where", () => "here");
    await server.start();
    void server.serveForever();
    servers.push(server);
    const c = await client(server);
    const controller = new AbortController();
    const move = c.call("move", [], {}, { signal: controller.signal });
    await started.promise;
    const where = c.call("where"); // waits for the one place
    controller.abort(new Error("stop the motor"));
    await expect(move).rejects.toThrow("stop the motor");
    await handlerAborted.promise;
    expect(await where).toBe("here");
  });

  it("the caller's arguments come after the CallContext, and are counted without it", async () => {
    const server = await device((s) =>
      s.registerMethodJson("add", (call: CallContext, a: number, b: number) => (call.signal.aborted ? -1 : a + b), {
        callContext: true,
      }),
    );
    const c = await client(server);
    expect(await c.call("add", [2, 3])).toBe(5);
    await expect(c.call("add", [1, 2, 3])).rejects.toThrow(/takes 2 positional arguments but 3 were given/);
  });

  it("another connection cannot cancel a call by its request id", async () => {
    const started = deferred<void>();
    const release = deferred<void>();
    const server = await device((s) =>
      s.registerMethodJson(
        "slow",
        async (call: CallContext) => {
          started.resolve();
          // Runs until the test has seen the foreign CANCEL read, or until it is cancelled.
          await Promise.race([release.promise, new Promise((r) => call.signal.addEventListener("abort", r))]);
          return call.signal.aborted ? "aborted" : "ran to its end";
        },
        { callContext: true },
      ),
    );
    const c = await client(server);
    const call = c.call("slow");
    await started.promise;
    // The id the call went with (the client's last), cancelled from a connection of our own.
    const id = (c as unknown as { requests: { nextId: number } }).requests.nextId;
    const intruder = new Dealer();
    intruder.connect(`tcp://127.0.0.1:${server.port}`);
    const frame = Buffer.alloc(4);
    frame.writeUInt32BE(id);
    await intruder.send([frame, "", JSON.stringify({ event: "CANCEL", request: id })]);
    // A request after it, answered: the CANCEL was read before (requests are read in order).
    await intruder.send([frame, "", JSON.stringify({ event: "GET_INVENTORY" })]);
    await intruder.receive();
    release.resolve();
    expect(await call).toBe("ran to its end");
    intruder.close();
  });
});

describe("progress", () => {
  it("reaches the caller's onProgress, in order, before the result", async () => {
    const server = await device((s) =>
      s.registerMethodJson(
        "scan",
        async (call: CallContext, positions: number) => {
          for (let i = 1; i <= positions; i++) {
            await new Promise((r) => setImmediate(r));
            call.progress({ done: i, of: positions });
          }
          return "scanned";
        },
        { callContext: true, params: ["positions"] },
      ),
    );
    const c = await client(server);
    const seen: unknown[] = [];
    const result = await c.call("scan", [3], {}, { onProgress: (p) => seen.push(p) });
    expect(result).toBe("scanned");
    expect(seen).toEqual([
      { done: 1, of: 3 },
      { done: 2, of: 3 },
      { done: 3, of: 3 },
    ]);
  });

  it("carries any value a reply can hold (numbers and text too, in JSON and MessagePack)", async () => {
    const server = await device((s) =>
      s.registerMethodJson(
        "move",
        (call: CallContext) => {
          for (const value of [0.25, "halfway", null, [1, 2]]) call.progress(value);
          return true;
        },
        { callContext: true },
      ),
    );
    for (const encoding of ["json", "msgpack"] as const) {
      const c = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`, { encoding });
      clients.push(c);
      const seen: unknown[] = [];
      expect(await c.call("move", [], {}, { onProgress: (p) => seen.push(p) })).toBe(true);
      expect(seen).toEqual([0.25, "halfway", null, [1, 2]]);
    }
  });

  it("is not sent to a caller that did not ask for it", async () => {
    const server = await device((s) =>
      s.registerMethodJson(
        "scan",
        (call: CallContext) => {
          call.progress(0.5);
          return "scanned";
        },
        { callContext: true },
      ),
    );
    const raw = new Dealer();
    raw.connect(`tcp://127.0.0.1:${server.port}`);
    const id = Buffer.from([0, 0, 0, 7]);
    await raw.send([
      id,
      "",
      JSON.stringify({ event: "METHOD_CALL", method: "scan", params: { args: [], kwargs: {} } }),
    ]);
    const [, , reply, ...rest] = await raw.receive();
    expect(JSON.parse(reply!.toString())).toEqual({ success: true, result: "scanned" });
    expect(rest).toEqual([]);
    raw.close();
  });
});

describe("stream methods", () => {
  it("are read as an async iterable, and listed for reference clients as JSON methods that refuse them", async () => {
    const server = await device((s) =>
      s.registerMethodStream("count", async function* (_call: CallContext, to: number) {
        for (let i = 1; i <= to; i++) yield i;
      }),
    );
    const c = await client(server);
    expect(c.inventory.json_methods).toHaveProperty("count");
    await expect(c.call("count", [1])).rejects.toThrow(/is a stream method: read it with client.stream\("count"\)/);
    expect(c.inventory.plantrpc?.streams).toEqual({ count: 10000 });
    expect(c.inventory.plantrpc?.calls).toEqual(["cancel", "progress", "stream"]);
    const items: number[] = [];
    for await (const n of c.stream<number>("count", [5])) items.push(n);
    expect(items).toEqual([1, 2, 3, 4, 5]);
  });

  it("never run more than the window ahead of a slow reader", async () => {
    let produced = 0;
    const server = await device((s) =>
      s.registerMethodStream("frames", async function* () {
        for (;;) {
          produced++;
          yield produced;
        }
      }),
    );
    const c = await client(server);
    let read = 0;
    let furthestAhead = 0;
    for await (const _ of c.stream("frames", [], {}, { window: 4 })) {
      read++;
      await settle(5); // pacing: a slow reader
      furthestAhead = Math.max(furthestAhead, produced - read);
      if (read === 40) break;
    }
    expect(read).toBe(40);
    // The window, plus the item the generator holds while it waits for credit.
    expect(furthestAhead).toBeLessThanOrEqual(4 + 1);
  });

  it("a reader's break stops the device's generator and aborts its signal", async () => {
    const closed = deferred<boolean>();
    const server = await device((s) =>
      s.registerMethodStream("preview", async function* (call: CallContext) {
        try {
          for (let i = 0; ; i++) {
            yield i;
            await settle(1); // pacing: an endless preview
          }
        } finally {
          closed.resolve(call.signal.aborted);
        }
      }),
    );
    const c = await client(server);
    for await (const i of c.stream<number>("preview")) if (i === 3) break;
    expect(await closed.promise).toBe(true);
  });

  it("an abort stops the stream where the loop reads, and the device's work", async () => {
    const closed = deferred<void>();
    const server = await device((s) =>
      s.registerMethodStream("preview", async function* (call: CallContext) {
        try {
          for (let i = 0; ; i++) {
            yield i;
            await settle(2); // pacing: an endless preview
          }
        } finally {
          if (call.signal.aborted) closed.resolve();
        }
      }),
    );
    const c = await client(server);
    const controller = new AbortController();
    const read: number[] = [];
    const loop = (async () => {
      for await (const i of c.stream<number>("preview", [], {}, { signal: controller.signal })) {
        read.push(i);
        if (i === 2) controller.abort(new Error("enough"));
      }
    })();
    await expect(loop).rejects.toThrow("enough");
    await closed.promise;
    expect(read.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it("the demo camera's preview is read at the rate the reader chooses: it never shoots ahead of the window", async () => {
    const camera = createVirtualCamera("tcp://127.0.0.1");
    await camera.start();
    void camera.serveForever();
    servers.push(camera);
    const c = await client(camera);
    const frames: number[] = [];
    // 30 frames/s asked, read at about 10/s: the camera waits for the reader.
    for await (const { info } of c.stream<BufferResult>("preview", [30], {}, { window: 2 })) {
      frames.push(info.frame as number);
      if (frames.length === 6) break;
      await settle(100); // pacing: the reader's rate
    }
    expect(frames).toEqual([0, 1, 2, 3, 4, 5]);
    // The frames the camera shot: those read, the window, and the one waiting for credit.
    const { info } = await c.call<BufferResult>("get_image", [true]);
    expect(info.frame as number).toBeLessThanOrEqual(6 + 2 + 1);
  });

  it("an error on the device is a RemoteError after the items before it", async () => {
    const server = await device((s) =>
      s.registerMethodStream("faulty", async function* () {
        yield "a";
        yield "b";
        throw new Error("motor stalled");
      }),
    );
    const c = await client(server);
    const read: string[] = [];
    const loop = (async () => {
      for await (const x of c.stream<string>("faulty")) read.push(x);
    })();
    await expect(loop).rejects.toBeInstanceOf(RemoteError);
    await expect(loop).rejects.toThrow(/motor stalled/);
    expect(read).toEqual(["a", "b"]);
  });

  it("streams buffers, and runs beside other streams and calls on one connection", async () => {
    const server = await device((s) => {
      s.registerMethodStream(
        "camera",
        async function* (_call: CallContext, frames: number) {
          for (let i = 0; i < frames; i++) yield [new Uint8Array(1024).fill(i), { frame: i }];
        },
        { items: "buffer" },
      );
      s.registerMethodJson("add", (a: number, b: number) => a + b);
    });
    const c = await client(server);
    const read = async (n: number) => {
      const seen: number[] = [];
      for await (const { buffer, info } of c.stream<{ buffer: Uint8Array; info: { frame: number } }>("camera", [n])) {
        expect(buffer.length).toBe(1024);
        expect(buffer[0]).toBe(info.frame);
        seen.push(info.frame);
      }
      return seen;
    };
    const [a, b, sum] = await Promise.all([read(30), read(20), c.call("add", [20, 22])]);
    expect(a).toEqual([...Array(30).keys()]);
    expect(b).toEqual([...Array(20).keys()]);
    expect(sum).toBe(42);
  });

  it("an item that does not come in time ends the stream with RpcTimeoutError, and tells the device", async () => {
    const closed = deferred<void>();
    const server = await device((s) =>
      s.registerMethodStream("stuck", async function* (call: CallContext) {
        yield 1;
        await new Promise((r) => call.signal.addEventListener("abort", r));
        closed.resolve();
      }),
    );
    const c = await client(server);
    const read: number[] = [];
    const loop = (async () => {
      for await (const x of c.stream<number>("stuck", [], {}, { timeout: 100 })) read.push(x);
    })();
    await expect(loop).rejects.toBeInstanceOf(RpcTimeoutError);
    await closed.promise;
    expect(read).toEqual([1]);
  });

  it("a reference-style call of a stream method gets a clear failure reply, and the device serves on", async () => {
    const server = await device((s) =>
      s.registerMethodStream("count", function* () {
        yield 1;
      }),
    );
    const raw = new Dealer();
    raw.connect(`tcp://127.0.0.1:${server.port}`);
    await raw.send([
      Buffer.from([0, 0, 0, 1]),
      "",
      JSON.stringify({ event: "METHOD_CALL", method: "count", params: { args: [], kwargs: {} } }),
    ]);
    const [, , reply] = await raw.receive();
    const failure = JSON.parse(reply!.toString());
    expect(failure.success).toBe(false);
    expect(failure.error).toMatch(/Method count is a stream/);
    raw.close();
    const c = await client(server);
    const items: number[] = [];
    for await (const x of c.stream<number>("count")) items.push(x);
    expect(items).toEqual([1]);
  });

  it("a slow reader is not timed out: an item's timeout runs only while the reader waits", async () => {
    const server = await device((s) =>
      s.registerMethodStream("count", function* () {
        for (let i = 0; i < 6; i++) yield i;
      }),
    );
    const c = await client(server);
    const read: number[] = [];
    for await (const i of c.stream<number>("count", [], {}, { timeout: 100, window: 2 })) {
      read.push(i);
      await settle(200); // pacing: slower than the timeout, on the reader's side
    }
    expect(read).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("an async stream function that throws is a failure reply, and the device serves on", async () => {
    const server = await device((s) => {
      s.registerMethodStream("broken", (async () => {
        throw new Error("no camera attached");
      }) as never);
      s.registerMethodStream("fine", async function* () {
        yield "ok";
      });
    });
    const c = await client(server);
    const loop = (async () => {
      for await (const _ of c.stream("broken")) {
        // nothing comes
      }
    })();
    await expect(loop).rejects.toThrow(/no camera attached/);
    const items: string[] = [];
    for await (const x of c.stream<string>("fine")) items.push(x);
    expect(items).toEqual(["ok"]);
  });

  it("a connection's streams are bounded: their windows add up to 512 items at most", async () => {
    const server = await device((s) =>
      s.registerMethodStream("endless", async function* () {
        for (let i = 0; ; i++) yield i;
      }),
    );
    const c = await client(server);
    const first = c.stream<number>("endless", [], {}, { window: 256 });
    const second = c.stream<number>("endless", [], {}, { window: 256 });
    expect((await first.next()).value).toBe(0);
    expect((await second.next()).value).toBe(0);
    const third = c.stream<number>("endless", [], {}, { window: 1 });
    await expect(third.next()).rejects.toThrow(/windows of a connection's streams may add up to 512/);
    await first.return?.();
    // Once one ends (its CANCEL read by the device), there is room again.
    const another = async () => {
      const stream = c.stream<number>("endless", [], {}, { window: 16 });
      try {
        return (await stream.next()).value;
      } catch {
        return "refused";
      } finally {
        await stream.return?.();
      }
    };
    await expect.poll(another).toBe(0);
    await second.return?.();
  });

  it("a reader refuses a device that sends past the window", async () => {
    const router = new Router();
    await router.bind("tcp://127.0.0.1:*");
    const inventory = {
      json_methods: { flood: 1000 },
      buffer_methods: {},
      signals: [],
      properties: [],
      name: "",
      plantrpc: { version: 1, encodings: ["json"], calls: ["cancel", "progress", "stream"], streams: { flood: 1000 } },
    };
    void (async () => {
      for await (const [peer, id, empty, body] of router) {
        const request = JSON.parse(String(body));
        if (request.event === "GET_INVENTORY") await router.send([peer!, id!, empty!, JSON.stringify(inventory)]);
        if (request.event === "METHOD_CALL") {
          for (let i = 0; i < 10; i++) await router.send([peer!, id!, empty!, Buffer.from("I"), JSON.stringify(i)]);
        }
      }
    })();
    const c = await RPCClient.connect(router.lastEndpoint!, { encoding: "json" });
    clients.push(c);
    const read: number[] = [];
    const loop = (async () => {
      for await (const i of c.stream<number>("flood", [], {}, { window: 2 })) read.push(i);
    })();
    await expect(loop).rejects.toThrow(/sent past the window/);
    // The window and the credit given back for what was read: never the whole flood.
    expect(read.length).toBeLessThan(10);
    router.close();
  });

  it("a REQ client (as the reference's) cannot stream, gets no progress, and its closing still aborts the handler", async () => {
    const aborted = deferred<unknown>();
    const started = deferred<void>();
    const server = await device((s) => {
      s.registerMethodStream("count", function* () {
        yield 1;
      });
      s.registerMethodJson(
        "wait",
        (call: CallContext) => {
          started.resolve();
          call.progress("never sent to a REQ");
          return waitForAbort(aborted.resolve)(call);
        },
        { callContext: true, timeout: null },
      );
    });
    const url = `tcp://127.0.0.1:${server.port}`;
    const req = new Request();
    req.connect(url);
    const stream = {
      event: "METHOD_CALL",
      method: "count",
      params: { args: [], kwargs: {} },
      plantrpc: { stream: { window: 4 } },
    };
    await req.send(JSON.stringify(stream));
    const [refused] = await req.receive();
    expect(JSON.parse(String(refused)).error).toMatch(/Method count is a stream/);
    await req.send(JSON.stringify({ event: "METHOD_CALL", method: "wait", params: {}, plantrpc: { progress: true } }));
    await started.promise;
    req.close();
    expect(String(((await aborted.promise) as Error).message)).toMatch(/connection closed/);
  });
});

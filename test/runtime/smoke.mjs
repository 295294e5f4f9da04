// The same round trip under Node, Bun and Deno, on the built library (dist/), or under Deno on
// the TypeScript sources as JSR serves them (SMOKE_SOURCE=src: deno.json's sloppy imports).
// Usage: <runtime> test/runtime/smoke.mjs ; prints one line per check and exits non-zero on failure.
const fromSource = (globalThis.Deno?.env.get("SMOKE_SOURCE") ?? globalThis.process?.env.SMOKE_SOURCE) === "src";
/** A module of the library, built or from source. */
const lib = (name) => (fromSource ? `../../src/${name}.ts` : `../../dist/${name}.js`);
const [zmq, rpc] = [await import(lib("zmq/index")), await import(lib("index"))];
const { Publisher, Pull, Push, Reply, Request, Subscriber } = zmq;
const { DeviceRegistry, listDevices, registerToRegistry, RPCClient, RPCServer, RPCSignal } = rpc;

const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}${fromSource ? " (TypeScript sources, as from JSR)" : ""}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.versions.node}`;
const results = [];

async function check(name, fn) {
  const timer = new Promise((_, reject) => setTimeout(() => reject(new Error("timed out after 5 s")), 5000));
  try {
    await Promise.race([fn(), timer]);
    results.push([name, true]);
    console.log(`ok   ${runtime}: ${name}`);
  } catch (e) {
    results.push([name, false]);
    console.log(`FAIL ${runtime}: ${name}: ${e?.stack ?? e}`);
  }
}

const text = (m) => m.map((f) => new TextDecoder().decode(f));

await check("REQ/REP over tcp", async () => {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:0");
  const req = new Request();
  req.connect(rep.lastEndpoint);
  await req.send(["hello", "world"]);
  const got = text(await rep.receive());
  if (got.join() !== "hello,world") throw new Error(`got ${got}`);
  await rep.send("pong");
  const reply = text(await req.receive());
  if (reply.join() !== "pong") throw new Error(`got ${reply}`);
  req.close();
  rep.close();
});

await check("REQ/REP and a 1 MiB frame over ws:// (ZWS 2.0)", async () => {
  const rep = new Reply();
  await rep.bind("ws://127.0.0.1:0/smoke");
  const req = new Request();
  req.connect(rep.lastEndpoint);
  const big = new Uint8Array(1 << 20).fill(5);
  await req.send(["hello", big]);
  const [a, b] = await rep.receive();
  if (text([a])[0] !== "hello" || b.length !== big.length || b[54321] !== 5) throw new Error("bad frames");
  await rep.send("pong");
  const reply = text(await req.receive());
  if (reply.join() !== "pong") throw new Error(`got ${reply}`);
  req.close();
  rep.close();
});

await check("PUSH/PULL over ipc with a 1 MiB frame", async () => {
  const pull = new Pull();
  await pull.bind("ipc://*");
  const push = new Push();
  push.connect(pull.lastEndpoint);
  const big = new Uint8Array(1 << 20).fill(7);
  await push.send([big, "end"]);
  const [a, b] = await pull.receive();
  if (a.length !== big.length || a[12345] !== 7 || text([b])[0] !== "end") throw new Error("bad frames");
  push.close();
  pull.close();
});

await check("PUB/SUB with prefix filtering", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:0");
  const sub = new Subscriber();
  sub.connect(pub.lastEndpoint);
  sub.subscribe("a");
  const timer = setInterval(() => {
    void pub.send(["b", "no"]);
    void pub.send(["a1", "yes"]);
  }, 10);
  const got = text(await sub.receive());
  clearInterval(timer);
  if (got.join() !== "a1,yes") throw new Error(`got ${got}`);
  pub.close();
  sub.close();
});

for (const encoding of ["json", "msgpack"]) {
  await check(`RPC server, registry and client (${encoding})`, async () => {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    const server = new RPCServer({ url: "tcp://127.0.0.1" });
    server.registerMethodJson("add", async (a, b = 2) => a + b, { params: ["a", "b"] });
    server.registerMethodBuffer("blob", (n) => [new Uint8Array(n).fill(9), { size: n }]);
    const moved = server.registerSignal("moved", new RPCSignal(Number));
    await registerToRegistry(server, "motor", "m1", registry.url);
    const serving = server.serveForever();
    const found = await listDevices(registry.url);
    const client = await RPCClient.connect(found.m1.addr, { encoding });
    if ((await client.call("add", [1], { b: 41 })) !== 42) throw new Error("add");
    const { buffer, info } = await client.call("blob", [100000]);
    if (buffer.length !== 100000 || buffer[99999] !== 9 || info.size !== 100000) throw new Error("blob");
    const got = new Promise((r) => client.signal("moved").connect(r));
    const timer = setInterval(() => moved.emit(7), 10);
    if ((await got) !== 7) throw new Error("signal");
    clearInterval(timer);
    if (!(await client.stopServer())) throw new Error("stop");
    await serving;
    client.close();
    await registry.stop();
  });
}

await check("CURVE over tcp (libsodium's WebAssembly module, loaded on demand)", async () => {
  const { curveKeyPair } = await import(lib("zmq/index"));
  const server = curveKeyPair();
  const rep = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
  await rep.bind("tcp://127.0.0.1:0");
  const req = new Request({ curveServerKey: server.publicKey });
  req.connect(rep.lastEndpoint);
  await req.send("secret");
  const got = text(await rep.receive());
  await rep.send(`${got}-pong`);
  const reply = text(await req.receive());
  if (reply.join() !== "secret-pong") throw new Error(`got ${reply}`);
  req.close();
  rep.close();
});

await check("CURVE with worker threads (curveThreads 2): 1 MiB frames both ways, in order", async () => {
  const { Context, curveKeyPair } = await import(lib("zmq/index"));
  const context = new Context({ curveThreads: 2 });
  const server = curveKeyPair();
  const rep = new Reply({ context, curveServer: true, curveSecretKey: server.secretKey });
  await rep.bind("tcp://127.0.0.1:0");
  const req = new Request({ context, curveServerKey: server.publicKey });
  req.connect(rep.lastEndpoint);
  for (let i = 0; i < 3; i++) {
    const big = new Uint8Array(1 << 20).fill(i + 1);
    await req.send([`n${i}`, big]);
    const [n, body] = await rep.receive();
    if (text([n])[0] !== `n${i}` || body.length !== big.length || body[body.length - 1] !== i + 1) {
      throw new Error(`frame ${i} came back wrong`);
    }
    await rep.send(body);
    const [echo] = await req.receive();
    if (echo.length !== big.length || echo[12345] !== i + 1) throw new Error(`echo ${i} came back wrong`);
  }
  req.close();
  rep.close();
  // Done on worker threads, not by the fallback to this one (which would pass the same).
  const { curvePool } = await import(lib("zmq/mechanism/curve/curve-pool"));
  const { loadedCurveBoxes } = await import(lib("zmq/mechanism/curve/curve-box"));
  if (!curvePool(2, loadedCurveBoxes())) throw new Error("the worker threads could not be used");
});

await check("inproc between a worker thread and the main thread, both ways", async () => {
  const { Worker } = await import("node:worker_threads");
  const library = new URL(lib("zmq/index"), import.meta.url).href;
  const code = `
    const z = await import(${JSON.stringify(library)});
    const push = new z.Push();
    push.connect("inproc://smoke-from-worker");
    await push.send(["from", "worker"]);
    const rep = new z.Reply();
    await rep.bind("inproc://smoke-in-worker");
    const [m] = await rep.receive();
    await rep.send("re:" + new TextDecoder().decode(m));
    rep.close();
    push.close();`;
  const pull = new Pull();
  await pull.bind("inproc://smoke-from-worker");
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  const ended = new Promise((resolve) => worker.on("exit", resolve));
  const got = text(await pull.receive());
  if (got.join() !== "from,worker") throw new Error(`got ${got}`);
  const req = new Request();
  req.connect("inproc://smoke-in-worker"); // before the worker binds: waits for it, as libzmq
  await req.send("ping");
  const reply = text(await req.receive());
  if (reply.join() !== "re:ping") throw new Error(`got ${reply}`);
  await ended;
  req.close();
  pull.close();
});

await check("draft sockets over udp: RADIO to DISH, DGRAM to DGRAM", async () => {
  const { Datagram, Dish, Radio } = await import(lib("zmq/draft"));
  const until = async (send, received) => {
    let done = false;
    const result = received.finally(() => {
      done = true;
    });
    while (!done) {
      await send();
      await Promise.race([result, new Promise((r) => setTimeout(r, 10))]);
    }
    return result;
  };
  const dish = new Dish();
  await dish.bind("udp://127.0.0.1:0");
  dish.join("g");
  const radio = new Radio();
  radio.connect(dish.lastEndpoint);
  const [message, { group }] = await until(() => radio.send("hello", { group: "g" }), dish.receive());
  if (text([message, group]).join() !== "hello,g") throw new Error(`got ${text([message, group])}`);
  const a = new Datagram();
  await a.bind("udp://127.0.0.1:0");
  const b = new Datagram();
  await b.bind("udp://127.0.0.1:0");
  const port = a.lastEndpoint.split(":").pop();
  const [, body] = await until(() => b.send([`127.0.0.1:${port}`, "hi"]), a.receive());
  if (text([body]).join() !== "hi") throw new Error(`got ${text([body])}`);
  for (const s of [dish, radio, a, b]) s.close();
});

const failed = results.filter(([, ok]) => !ok).length;
console.log(`${runtime}: ${results.length - failed} passed, ${failed} failed`);
const exit = globalThis.Deno ? Deno.exit : process.exit;
exit(failed ? 1 : 0);

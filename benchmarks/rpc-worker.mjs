// One side of an RPC benchmark, in its own process.
//   node rpc-worker.mjs server                                  prints "READY <port>", serves until stopped
//   node rpc-worker.mjs client <url> <what> <n> [size] [encoding]  prints one JSON line
//   what: calls | pipelined | buffer | signals
import { RPCClient, RPCServer, RPCSignal } from "plantrpc";

const [role, url, what, nArg, sizeArg, encoding = "json"] = process.argv.slice(2);

if (role === "server") {
  const server = new RPCServer({ url: "tcp://127.0.0.1" });
  const tick = server.registerSignal("tick", new RPCSignal(Number));
  const pattern = new Map();
  server
    .registerMethodJson("add", (a, b = 2) => a + b, { params: ["a", "b"] })
    .registerMethodJson("emit_tick", (n) => tick.emit(n))
    .registerMethodJson(
      "emit_ticks",
      (n) => {
        for (let i = 0; i < n; i++) tick.emit(i);
        return n;
      },
      { timeout: null },
    )
    .registerMethodBuffer("blob", (n) => {
      if (!pattern.has(n)) pattern.set(n, Buffer.alloc(n, 7));
      return [pattern.get(n), { size: n }];
    });
  await server.start();
  console.log(`READY ${server.port}`);
  await server.serveForever();
  process.exit(0);
}

const n = Number(nArg);
const size = Number(sizeArg ?? 0);
const client = await RPCClient.connect(url, { encoding, signals: what === "signals" });
const now = () => performance.now();
// Warm-up, so that the JIT has compiled the hot paths before the clock starts.
for (let i = 0; i < 300; i++) await client.call("add", [i, 1]);
if (what === "buffer") for (let i = 0; i < 5; i++) await client.call("blob", [size]);
let result;
if (what === "calls") {
  await client.call("add", [1, 1]);
  const t0 = now();
  for (let i = 0; i < n; i++) await client.call("add", [i, 1]);
  result = { seconds: (now() - t0) / 1000, count: n };
} else if (what === "pipelined") {
  let next = 0;
  let end = 5000;
  const lane = async () => {
    while (next < end) await client.call("add", [next++, 1]);
  };
  // Warm-up in the same pattern: 32 lanes, 5000 calls.
  await Promise.all(Array.from({ length: 32 }, lane));
  next = 0;
  end = n;
  const t0 = now();
  await Promise.all(Array.from({ length: 32 }, lane));
  result = { seconds: (now() - t0) / 1000, count: n };
} else if (what === "buffer") {
  await client.call("blob", [size]);
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const { buffer } = await client.call("blob", [size]);
    if (buffer.length !== size) throw new Error("short buffer");
  }
  result = { seconds: (now() - t0) / 1000, count: n, bytes: n * size };
} else if (what === "signals") {
  let count = 0;
  let t0 = 0;
  let t1 = 0;
  let resolveDone;
  let last = n - 1;
  let done = new Promise((r) => (resolveDone = r));
  client.signal("tick").connect((i) => {
    if (count === 0) t0 = now();
    count++;
    t1 = now();
    if (i === last) resolveDone();
  });
  for (let i = 0; i < 100 && count === 0; i++) {
    await client.call("emit_tick", [-1]);
    await new Promise((r) => setTimeout(r, 10));
  }
  // Warm-up, as for calls: a first burst, so that the JIT has compiled the signal path (a
  // Python peer, without a JIT, gains nothing from it, and loses nothing).
  last = 4999;
  await client.call("emit_ticks", [5000]);
  // (a Python device drops part of a burst at its high-water mark: then the last never comes)
  await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
  last = n - 1;
  done = new Promise((r) => (resolveDone = r));
  count = 0;
  await client.call("emit_ticks", [n]);
  await Promise.race([done, new Promise((r) => setTimeout(r, 30000))]);
  result = { seconds: (t1 - t0) / 1000, count, sent: n };
}
console.log(JSON.stringify(result));
client.close();
process.exit(0);

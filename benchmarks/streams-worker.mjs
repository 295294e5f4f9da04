// One side of the streams benchmark, in its own process.
//   node streams-worker.mjs server                          prints "READY <port>", serves until stopped
//   node streams-worker.mjs client <url> <what> <n> [size]  prints one JSON line
//   what: unary | stream | unary-buffer | stream-buffer
import { RPCClient, RPCServer } from "plantrpc";

const [role, url, what, nArg, sizeArg] = process.argv.slice(2);

if (role === "server") {
  const server = new RPCServer({ url: "tcp://127.0.0.1" });
  const blobs = new Map();
  const blob = (size) => {
    if (!blobs.has(size)) blobs.set(size, Buffer.alloc(size, 7));
    return blobs.get(size);
  };
  server
    .registerMethodJson("next", (i) => i + 1)
    .registerMethodBuffer("blob", (size) => [blob(size), { size }])
    .registerMethodStream("count", function* (_call, n) {
      for (let i = 0; i < n; i++) yield i;
    })
    .registerMethodStream(
      "blobs",
      function* (_call, n, size) {
        for (let i = 0; i < n; i++) yield [blob(size), { i }];
      },
      { items: "buffer" },
    );
  await server.start();
  console.log(`READY ${server.port}`);
  await server.serveForever();
  process.exit(0);
}

const n = Number(nArg);
const size = Number(sizeArg ?? 0);
const client = await RPCClient.connect(url, { signals: false });
const now = () => performance.now();
const run = {
  async unary(count) {
    for (let i = 0; i < count; i++) await client.call("next", [i]);
  },
  async stream(count) {
    let seen = 0;
    for await (const _ of client.stream("count", [count], {}, { window: 256 })) seen++;
    if (seen !== count) throw new Error(`${seen} items of ${count}`);
  },
  async "unary-buffer"(count) {
    for (let i = 0; i < count; i++)
      if ((await client.call("blob", [size])).buffer.length !== size) throw new Error("short");
  },
  async "stream-buffer"(count) {
    for await (const { buffer } of client.stream("blobs", [count, size], {}, { window: 8 }))
      if (buffer.length !== size) throw new Error("short");
  },
}[what];
await run(Math.max(10, Math.round(n / 10))); // warm-up: the JIT compiles the hot paths first
const t0 = now();
await run(n);
const seconds = (now() - t0) / 1000;
console.log(JSON.stringify({ seconds, count: n, bytes: n * size }));
client.close();
process.exit(0);

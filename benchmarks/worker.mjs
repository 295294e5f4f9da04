// One side of a benchmark, in its own process (SECURITY=curve: see below).
//   node worker.mjs <impl> pull <size> <count>            binds, prints "READY <endpoint>", then "RESULT <ms>"
//   node worker.mjs <impl> push <size> <count> <endpoint>  sends count messages of size octets
//   node worker.mjs <impl> rep  <size> <count>             binds, answers count requests
//   node worker.mjs <impl> req  <size> <count> <endpoint>  count sequential round trips, prints "RESULT <ms>"
// impl: plantrpc | zeromq | rawtcp | jszmq (jszmq push/pull only)
import * as net from "node:net";

const [impl, role, sizeArg, countArg, endpoint] = process.argv.slice(2);
const size = Number(sizeArg);
const count = Number(countArg);
const zmq = impl === "plantrpc" ? await import("plantrpc/zmq") : impl === "zeromq" ? await import("zeromq") : null;
// TRANSPORT=ws: the binding side listens on ws:// (ZWS 2.0) instead of tcp://.
const bindTo = process.env.TRANSPORT === "ws" ? "ws://127.0.0.1:0/bench" : "tcp://127.0.0.1:0";
const payload = Buffer.alloc(size, 0x61);
// SECURITY=curve: the binding side is the CURVE server with the key pair in BENCH_SERVER_SECRET
// (Z85), the connecting side its client (with a key pair of its own).
const curve = process.env.SECURITY === "curve";
const serverOptions = () => (curve ? { curveServer: true, curveSecretKey: process.env.BENCH_SERVER_SECRET } : {});
function clientOptions() {
  if (!curve) return {};
  const own = zmq.curveKeyPair();
  return {
    curveServerKey: process.env.BENCH_SERVER_PUBLIC,
    curvePublicKey: own.publicKey,
    curveSecretKey: own.secretKey,
  };
}
// CURVE_THREADS=n: plantrpc's worker threads for large boxes (the context's curveThreads).
if (impl === "plantrpc" && process.env.CURVE_THREADS !== undefined) {
  zmq.context.curveThreads = Number(process.env.CURVE_THREADS);
}
const now = () => performance.now();

async function pull() {
  const s = new zmq.Pull(serverOptions());
  await s.bind(bindTo);
  console.log(`READY ${s.lastEndpoint}`);
  let start = 0;
  for (let i = 0; i < count; i++) {
    await s.receive();
    if (i === 0) start = now();
  }
  // count - 1 intervals measured: the first message only starts the clock.
  console.log(`RESULT ${((now() - start) * count) / (count - 1)}`);
  reportCpu();
  s.close();
}

/** Receiver CPU time (user + system), steadier than wall time on a busy 2-core machine. */
function reportCpu() {
  const { user, system } = process.cpuUsage();
  console.log(`CPU ${(user + system) / 1000}`);
  // Peak resident memory (KiB on Linux), for the memory bound of a sustained stream.
  console.log(`RSS ${process.resourceUsage().maxRSS}`);
}

async function push() {
  const s = new zmq.Push({
    ...clientOptions(),
    ...(process.env.SNDHWM ? { sendHighWaterMark: Number(process.env.SNDHWM) } : {}),
  });
  s.connect(endpoint);
  for (let i = 0; i < count; i++) await s.send(payload);
  // Queued messages may still be on their way (CURVE seals slower than send() returns): stay
  // until the parent, told by the receiver that all arrived, ends this process.
  setInterval(() => {}, 60_000);
}

async function rep() {
  const s = new zmq.Reply(serverOptions());
  await s.bind(bindTo);
  console.log(`READY ${s.lastEndpoint}`);
  for (let i = 0; i < count; i++) {
    const [m] = await s.receive();
    await s.send(m);
  }
  await new Promise((r) => setTimeout(r, 50));
  s.close();
}

async function req() {
  const s = new zmq.Request(clientOptions());
  s.connect(endpoint);
  await s.send(payload); // warm-up: connection established
  await s.receive();
  const start = now();
  for (let i = 1; i < count; i++) {
    await s.send(payload);
    await s.receive();
  }
  console.log(`RESULT ${((now() - start) * count) / (count - 1)}`);
  s.close();
}

/** Raw TCP baseline: the same bytes (size-prefixed) with no ZeroMQ at all. */
async function rawPull() {
  const server = net.createServer((sock) => {
    let received = 0;
    let start = 0;
    const total = count * (size + 9);
    sock.on("data", (d) => {
      if (start === 0) start = now();
      received += d.length;
      if (received >= total) {
        console.log(`RESULT ${now() - start}`);
        reportCpu();
        sock.destroy();
        server.close();
      }
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(`READY tcp://127.0.0.1:${server.address().port}`));
}

async function rawPush() {
  const [, host, port] = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint);
  const sock = net.connect({ host, port: Number(port) });
  sock.setNoDelay(true);
  await new Promise((r) => sock.once("connect", r));
  const header = Buffer.alloc(9);
  for (let i = 0; i < count; i++) {
    sock.cork();
    sock.write(header);
    const ok = sock.write(payload);
    sock.uncork();
    if (!ok) await new Promise((r) => sock.once("drain", r));
  }
  sock.end();
}

/** Raw TCP ping-pong: the same 16-octet requests and replies (size-prefixed), no ZeroMQ at all. */
async function rawRep() {
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    let pending = 0;
    let answered = 0;
    sock.on("data", (d) => {
      pending += d.length;
      while (pending >= size + 9) {
        pending -= size + 9;
        sock.write(Buffer.concat([Buffer.alloc(9), payload]));
        if (++answered === count) setTimeout(() => process.exit(0), 50);
      }
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(`READY tcp://127.0.0.1:${server.address().port}`));
}

async function rawReq() {
  const [, host, port] = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint);
  const sock = net.connect({ host, port: Number(port) });
  sock.setNoDelay(true);
  await new Promise((r) => sock.once("connect", r));
  const message = Buffer.concat([Buffer.alloc(9), payload]);
  let received = 0;
  let waiter;
  sock.on("data", (d) => {
    received += d.length;
    while (received >= message.length && waiter) {
      received -= message.length;
      const w = waiter;
      waiter = undefined;
      w();
    }
  });
  const roundTrip = () =>
    new Promise((r) => {
      waiter = r;
      sock.write(message);
    });
  await roundTrip();
  const start = now();
  for (let i = 1; i < count; i++) await roundTrip();
  console.log(`RESULT ${((now() - start) * count) / (count - 1)}`);
  sock.destroy();
  process.exit(0);
}

/** jszmq (pure JavaScript, ZWS only): binds on an HTTP server of ours so the OS picks the port. */
async function jszmqPull() {
  const [jszmq, http] = [await import("jszmq"), await import("node:http")];
  const server = http.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const s = new jszmq.Pull();
  const address = `ws://127.0.0.1:${server.address().port}/bench`;
  s.bind(address, server);
  let received = 0;
  let start = 0;
  s.on("message", () => {
    if (received++ === 0) start = now();
    if (received === count) {
      console.log(`RESULT ${((now() - start) * count) / (count - 1)}`);
      reportCpu();
      process.exit(0);
    }
  });
  console.log(`READY ${address}`);
}

async function jszmqPush() {
  const jszmq = await import("jszmq");
  const s = new jszmq.Push();
  s.connect(endpoint);
  // jszmq queues without limit: yield now and then so that the socket drains.
  for (let i = 0; i < count; i++) {
    s.send(payload);
    if (i % (size >= 65536 ? 8 : 1000) === 0) await new Promise((r) => setTimeout(r, 0));
  }
  setInterval(() => {}, 60_000);
}

const ROLES = {
  rawtcp: { pull: rawPull, push: rawPush, rep: rawRep, req: rawReq },
  jszmq: { pull: jszmqPull, push: jszmqPush },
};
const roles = ROLES[impl] ?? { pull, push, rep, req };
await roles[role]();

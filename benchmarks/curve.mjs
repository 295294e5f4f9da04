// CURVE throughput: PUSH/PULL over TCP loopback, sender and receiver in this one process, for
// plantrpc and the native `zeromq` package in the same run, with NULL security for reference.
// `node benchmarks/curve.mjs` after a build (`npm run bench -- curve`).
import * as native from "zeromq";
import * as ours from "../dist/zmq/index.js";

const quick = process.argv.includes("--quick");
const cases = [
  [16, quick ? 20_000 : 200_000],
  [65536, quick ? 200 : 2_000],
  [1048576, quick ? 20 : 200],
];

async function run(lib, size, count, curve) {
  const keys = lib.curveKeyPair();
  const pull = new lib.Pull({ linger: 0, ...(curve ? { curveServer: true, curveSecretKey: keys.secretKey } : {}) });
  await pull.bind("tcp://127.0.0.1:*");
  const push = new lib.Push({
    linger: 0,
    ...(curve
      ? { curveServerKey: keys.publicKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey }
      : {}),
  });
  push.connect(pull.lastEndpoint);
  const message = Buffer.alloc(size, 1);
  await push.send(message);
  await pull.receive(); // connected and warmed
  const start = performance.now();
  const sending = (async () => {
    for (let i = 0; i < count; i++) await push.send(message);
  })();
  for (let i = 0; i < count; i++) await pull.receive();
  await sending;
  const seconds = (performance.now() - start) / 1000;
  push.close();
  pull.close();
  return { rate: count / seconds, mbps: (count * size) / seconds / 1e6 };
}

console.log("| size | security | plantrpc msg/s | zeromq msg/s | ratio | plantrpc MB/s | zeromq MB/s |");
console.log("|---:|---|---:|---:|---:|---:|---:|");
for (const [size, count] of cases) {
  for (const curve of [false, true]) {
    const a = await run(ours, size, count, curve);
    const b = await run(native, size, count, curve);
    const f = (n) => Math.round(n).toLocaleString("en");
    console.log(
      `| ${size} | ${curve ? "CURVE" : "NULL"} | ${f(a.rate)} | ${f(b.rate)} | ${(a.rate / b.rate).toFixed(2)} | ${f(a.mbps)} | ${f(b.mbps)} |`,
    );
  }
}
process.exit(0);

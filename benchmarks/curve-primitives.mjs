// The bound under CURVE's figures: MESSAGE boxes alone (no ZeroMQ, one core), with the library's
// libsodium WebAssembly boxes and with @noble's XSalsa20-Poly1305 (the dev dependency the tests
// compare them with); and CURVE handshakes a second, ours and the native package's.
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import * as native from "zeromq";
import { loadCurveBoxes } from "../dist/zmq/mechanism/curve/curve-box.js";
import { curvePool } from "../dist/zmq/mechanism/curve/curve-pool.js";
import * as ours from "../dist/zmq/index.js";

/** Runs `fn` `n` times; per second. */
function rate(n, fn) {
  const started = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return (n * 1000) / (performance.now() - started);
}

/** Seals and opens a second at 17 octets, MB/s at 1 MiB, for one implementation. */
function boxRates(seal, open) {
  const out = {};
  for (const [size, n] of [
    [17, 300_000],
    [65536, 3000],
    [1 << 20, 200],
  ]) {
    const plain = new Uint8Array(size).fill(1);
    const box = seal(plain);
    const seals = rate(n, () => seal(plain));
    const opens = rate(n, () => open(box));
    out[size] = { seals, opens };
  }
  return out;
}

export async function primitiveRates() {
  const key = new Uint8Array(32).fill(9);
  const prefix = new Uint8Array(16).fill(3);
  const tail = new Uint8Array(8).fill(1);
  const nonce = new Uint8Array([...prefix, ...tail]);
  const sodium = (await loadCurveBoxes()).prefixed(key, prefix);
  const sodiumSeal = (plain) => {
    const buffer = new Uint8Array(32 + plain.length);
    buffer.set(plain, 32);
    sodium.sealInPlace(tail, buffer);
    return buffer.subarray(16);
  };
  return {
    "libsodium (ours)": boxRates(sodiumSeal, (box) => sodium.open(tail, box)),
    "@noble/ciphers": boxRates(
      (plain) => xsalsa20poly1305(key, nonce).encrypt(plain),
      (box) => xsalsa20poly1305(key, nonce).decrypt(box),
    ),
  };
}

/**
 * The bound of a two-process stream on this machine: one process sealing boxes of `size` while
 * another opens them, at once (benchmarks/curve-box-worker.mjs), MB/s each. With both cores
 * busy, each core's primitive is slower than alone (shared cache and memory bandwidth).
 */
export async function loadedBoxRates(size, count) {
  const worker = fileURLToPath(new URL("./curve-box-worker.mjs", import.meta.url));
  const run = (mode) =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, [worker, mode, String(size), String(count)], (error, stdout) =>
        error ? reject(error) : resolve(Number(stdout.trim())),
      );
    });
  const [seal, open] = await Promise.all([run("seal"), run("open")]);
  return { seal, open };
}

/**
 * 1 MiB MESSAGE frames sealed a second through the worker-thread pool of `threads` (what
 * curveThreads gives one connection when cores are idle), as MB/s; 0: on this thread.
 */
export async function poolRate(threads, count = 200) {
  const boxes = await loadCurveBoxes();
  const key = new Uint8Array(32).fill(9);
  const nonce = new Uint8Array(24).fill(3);
  const head = new Uint8Array(16);
  const body = new Uint8Array(1 << 20).fill(1);
  const pool = curvePool(threads, boxes);
  const prefixed = boxes.prefixed(key, nonce.subarray(0, 16));
  const seal = pool
    ? () => pool.sealMessage(key, nonce, head, 0, body)
    : () => prefixed.sealMessage(nonce.subarray(16), head, 0, body);
  await Promise.all(Array.from({ length: threads * 2 }, seal)); // workers started and warm
  const started = performance.now();
  const inFlight = Math.max(1, threads * 2);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await seal();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (count * (1 << 20)) / 1e6 / ((performance.now() - started) / 1000);
}

/**
 * Complete CURVE handshakes a second (both ends in one process: their crypto on this thread for
 * plantrpc, on libzmq's I/O thread for the native package): a client connects, then waits for
 * its handshake event (or, with roundTrip, for the echo of one message), and closes. freshKeys:
 * each client makes its own key pair first (curveKeyPair); else all share one. inFlight: that many
 * clients at a time, each starting the next when it closes (1: one after the other).
 * serverProcess: the server in a process of its own (the same library), as a device runs;
 * serverWarmUp: the handshakes it serves before it is measured (at least `count`).
 */
export async function handshakeRate(
  zmq,
  count,
  { freshKeys = true, roundTrip = false, inFlight = 1, serverProcess = false, serverWarmUp = 3000 } = {},
) {
  const keys = zmq.curveKeyPair();
  const shared = zmq.curveKeyPair();
  const { endpoint, close } = await (serverProcess ? serverInProcess : serverHere)(zmq, keys.secretKey);
  const handshakes = async (n) => {
    let next = 0;
    const lane = async () => {
      while (next++ < n) {
        const own = freshKeys ? zmq.curveKeyPair() : shared;
        const client = new zmq.Dealer({
          curveServerKey: keys.publicKey,
          curvePublicKey: own.publicKey,
          curveSecretKey: own.secretKey,
          linger: 0,
        });
        const handshake = new Promise((resolve) => client.events.on("handshake", resolve));
        client.connect(endpoint);
        if (roundTrip) {
          await client.send("ping");
          await client.receive();
        } else await handshake;
        client.close();
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  };
  // A new server process is warmed up first, as a device that runs for long is (this process
  // is warm from the earlier rows): over its first thousands of handshakes our code may still
  // be reaching the JIT's later tiers.
  if (serverProcess) await handshakes(Math.max(count, serverWarmUp));
  const started = performance.now();
  await handshakes(count);
  const perSecond = (count * 1000) / (performance.now() - started);
  await close();
  return perSecond;
}

/** An echoing CURVE ROUTER in this process. */
async function serverHere(zmq, secretKey) {
  const server = new zmq.Router({ curveServer: true, curveSecretKey: secretKey, linger: 0 });
  await server.bind("tcp://127.0.0.1:*");
  const echo = (async () => {
    for await (const [id, m] of server) await server.send([id, m]);
  })().catch(() => undefined);
  return {
    endpoint: server.lastEndpoint,
    close: async () => {
      server.close();
      await echo;
    },
  };
}

/** The same in a process of its own (curve-handshake-server.mjs), of the same library. */
async function serverInProcess(zmq, secretKey) {
  const script = fileURLToPath(new URL("./curve-handshake-server.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, zmq === native ? "zeromq" : "plantrpc", secretKey], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const endpoint = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", () => reject(new Error("the handshake server exited")));
  });
  return {
    endpoint,
    close: async () => {
      child.kill();
      await new Promise((resolve) => (child.exitCode === null ? child.on("exit", resolve) : resolve()));
    },
  };
}

export const libraries = { plantrpc: ours, zeromq: native };

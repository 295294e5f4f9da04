// A device with a long method (a scan: progress as it goes, stopping when its caller gives up)
// and a stream (readings, as fast as the reader takes them).
// Run: node examples/rpc-scan-device.mjs   (then node examples/rpc-scan-client.mjs tcp://127.0.0.1:<port>)
import { RPCServer } from "plantrpc";

const server = new RPCServer({ url: process.argv[2] ?? "tcp://127.0.0.1" });

/** Waits `ms`, or stops at once when the call is given up. */
const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", stop, { once: true });
  });

server.registerMethodJson(
  "scan",
  async (call, positions) => {
    for (let i = 1; i <= positions; i++) {
      await sleep(20, call.signal); // the motors move
      call.progress({ position: i, of: positions });
    }
    return `${positions} positions scanned`;
  },
  { callContext: true, params: ["positions"], timeout: null },
);
server.registerMethodStream("readings", async function* (call) {
  for (let i = 0; !call.signal.aborted; i++) yield { reading: i, celsius: 20 + Math.sin(i / 5) };
});

await server.start();
void server.serveForever();
console.log(`scanner at ${server.endpoint}`);

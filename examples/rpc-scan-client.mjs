// A client of examples/rpc-scan-device.mjs: a scan with progress, a scan cancelled midway, and
// the first readings of a stream.
import { RPCClient } from "plantrpc";

const client = await RPCClient.connect(process.argv[2] ?? "tcp://127.0.0.1:10000");

const done = await client.call("scan", [3], {}, { onProgress: (p) => console.log("progress", p) });
console.log(done);

const cancel = new AbortController();
const stopped = client.call(
  "scan",
  [100],
  {},
  {
    signal: cancel.signal,
    onProgress: ({ position }) => position === 5 && cancel.abort(new Error("cancelled at position 5")),
  },
);
console.log("second scan:", await stopped.catch((e) => e.message));

for await (const { reading, celsius } of client.stream("readings", [], {}, { window: 4 })) {
  console.log(`reading ${reading}: ${celsius.toFixed(2)} °C`);
  if (reading === 2) break; // the device's generator stops here too
}
client.close();

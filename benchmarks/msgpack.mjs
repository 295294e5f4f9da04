// MessagePack codec: plantrpc's own against msgpackr's pure-JavaScript build, on RPC-shaped
// messages. `node benchmarks/msgpack.mjs` after a build (`npm run bench -- msgpack`).
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decodeMessagePack, encodeMessagePack } from "../dist/common/msgpack.js";

// msgpackr's exports send Node to its native-accelerated entry; load the pure build by path.
const msgpackrDir = fileURLToPath(new URL("../node_modules/msgpackr/", import.meta.url));
const { Packr } = await import(pathToFileURL(join(msgpackrDir, "pack.js")).href);
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

const messages = {
  "METHOD_CALL request": {
    event: "METHOD_CALL",
    method: "move_to",
    params: { args: [10, 20.5], kwargs: { speed: 2 } },
  },
  "JSON-method reply": { success: true, result: { x: 1.5, y: 2, name: "camera-1", tags: ["a", "b", "c"] } },
  "reply with 1 KiB binary": { success: true, result: { data: new Uint8Array(1024) } },
  "inventory (23 methods)": {
    json_methods: Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`method_${i}`, 10000])),
    buffer_methods: { get_image: 10000 },
    signals: ["moved", "exposureChanged"],
    properties: ["exposure", "mode"],
    name: "camera",
    plantrpc: { version: 1, encodings: ["json", "msgpack"] },
  },
};
const codecs = {
  plantrpc: [encodeMessagePack, decodeMessagePack],
  "msgpackr (pure)": [(v) => packr.pack(v), (b) => packr.unpack(b)],
};
const quick = process.argv.includes("--quick");
const N = quick ? 50_000 : 300_000;

function rate(fn) {
  for (let i = 0; i < N / 10; i++) fn();
  const t = performance.now();
  for (let i = 0; i < N; i++) fn();
  return Math.round((N / (performance.now() - t)) * 1000);
}

console.log(`| message | codec | encode /s | decode /s |\n|---|---|---:|---:|`);
for (const [name, m] of Object.entries(messages)) {
  for (const [codec, [encode, decode]] of Object.entries(codecs)) {
    const bytes = encode(m);
    const enc = rate(() => encode(m));
    const dec = rate(() => decode(bytes));
    console.log(`| ${name} | ${codec} | ${enc.toLocaleString("en")} | ${dec.toLocaleString("en")} |`);
  }
}

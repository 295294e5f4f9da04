// One side of the "boxes under load" bound (benchmarks/curve.mjs): seals or opens MESSAGE boxes of
// one size in a tight loop, in its own process, while another process does the other: what each
// core's primitive allows when both cores work, as they do in a two-process stream.
// Usage: node curve-box-worker.mjs seal|open <size> <count>; prints the MB/s.
import { loadCurveBoxes } from "../dist/zmq/mechanism/curve/curve-box.js";

const [mode, size, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const boxes = await loadCurveBoxes();
const key = new Uint8Array(32).fill(9);
const tail = new Uint8Array(8).fill(1);
const head = new Uint8Array(16);
const prefixed = boxes.prefixed(key, new Uint8Array(16).fill(3));
const body = new Uint8Array(size).fill(1);
const box = prefixed.sealMessage(tail, head, 0, body).subarray(16);
const step = mode === "seal" ? () => prefixed.sealMessage(tail, head, 0, body) : () => prefixed.open(tail, box);
for (let i = 0; i < Math.max(1, count / 10); i++) step(); // warm
const started = performance.now();
for (let i = 0; i < count; i++) step();
console.log(((count * size) / 1e3 / (performance.now() - started)).toFixed(1));

// A worker thread that seals and opens large CurveZMQ MESSAGE boxes for curve-pool.ts, so that
// successive boxes of one connection are worked on by several cores at once. Plain JavaScript
// (not TypeScript) so that every runtime starts it as it is, from src/ as from dist/.
import { parentPort } from "node:worker_threads";
import sodiumModule from "libsodium-wrappers";

const sodium = sodiumModule.default ?? sodiumModule;
await sodium.ready;
const lib = sodium.libsodium;
const TAG = 16;
let region = 0;
let size = 0;

/** Key (32), nonce (24, padded to 32), then input and output 16-aligned apart. */
function reserve(data) {
  const needed = 64 + data;
  if (needed > size) {
    if (region) lib._free(region);
    size = Math.max(needed, size * 2, 1024 * 1024);
    region = lib._malloc(size);
    if (!region) throw new Error(`libsodium could not allocate ${size} octets`);
  }
  return region;
}

const align = (n) => (n + 15) & ~15;

/** A MESSAGE frame: `head` (16 octets), then the box (tag first) of `flags` and `data`. */
function seal(key, nonce, head, flags, data) {
  const length = 1 + data.length;
  const out = align(length);
  const at = reserve(out + TAG + length);
  const heap = lib.HEAPU8;
  heap.set(key, at);
  heap.set(nonce, at + 32);
  heap[at + 64] = flags;
  heap.set(data, at + 65);
  lib._crypto_box_easy_afternm(at + 64 + out, at + 64, length, 0, at + 32, at);
  const frame = new Uint8Array(16 + TAG + length);
  frame.set(head);
  frame.set(heap.subarray(at + 64 + out, at + 64 + out + TAG + length), 16);
  return frame;
}

/** { key, nonce, data } -> what the box `data` holds, or null when it does not open. */
function open(key, nonce, data) {
  if (data.length < TAG) return null;
  const out = align(data.length);
  const at = reserve(out + data.length);
  const heap = lib.HEAPU8;
  heap.set(key, at);
  heap.set(nonce, at + 32);
  heap.set(data, at + 64);
  if (lib._crypto_box_open_easy_afternm(at + 64 + out, at + 64, data.length, 0, at + 32, at) !== 0) return null;
  return heap.slice(at + 64 + out, at + 64 + out + data.length - TAG);
}

parentPort.on("message", ({ id, op, key, nonce, head, flags, data }) => {
  const result = op === "seal" ? seal(key, nonce, head, flags, data) : open(key, nonce, data);
  parentPort.postMessage({ id, result }, result ? [result.buffer] : []);
});

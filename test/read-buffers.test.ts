import type { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { ReadBuffers } from "../src/zmq/transport/node-stream.js";
import type { CarrierHandlers } from "../src/zmq/transport/carrier.js";

/** A reader whose reads are simulated: each fills the offered buffer's first `n` octets with `fill`. */
function simulated() {
  const reader = new ReadBuffers();
  const chunks: Buffer[] = [];
  reader.handlers = { data: (chunk) => chunks.push(chunk), drain: () => {}, close: () => {} } satisfies CarrierHandlers;
  const { buffer, callback } = reader.options();
  const read = (n: number, fill: number) => {
    const into = buffer();
    into.fill(fill, 0, n);
    callback(n, into);
    return into;
  };
  return { read, chunks, offered: () => buffer() };
}

describe("ReadBuffers (where a TCP connection's reads land)", () => {
  it("starts a connection on a small slab of its own (2 KiB, not 64 KiB; no other connection's octets)", () => {
    const { offered } = simulated();
    const first = offered();
    expect(first.byteLength).toBe(2048);
    expect(first.buffer.byteLength).toBe(2048);
    expect(simulated().offered().buffer).not.toBe(first.buffer);
  });

  it("moves to a full slab once the small one is nearly used, and earlier reads stay intact", () => {
    const { read, chunks, offered } = simulated();
    read(64, 1); // a greeting
    read(1800, 2); // the handshake and a first message
    const next = offered();
    expect(next.byteLength).toBe(65536);
    read(40000, 3);
    expect(chunks.map((c) => c.length)).toEqual([64, 1800, 40000]);
    expect(chunks.map((c) => [c[0], c[c.length - 1]])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    // The rest of the full slab is offered next, until less than 16 KiB of it is left.
    expect(offered().byteLength).toBe(65536 - 40000);
    read(10000, 4);
    expect(offered().byteLength).toBe(65536);
    expect(chunks[2]!.every((b) => b === 3)).toBe(true);
  });

  it("offers no more than the reader asks for when it expects a large frame's header", () => {
    const reader = new ReadBuffers();
    reader.handlers = { data: () => {}, drain: () => {}, close: () => {}, readSize: () => 9 };
    expect(reader.options().buffer().byteLength).toBe(9);
  });
});

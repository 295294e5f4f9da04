import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeCommandBody } from "../src/zmq/codec/command.js";
import { FLAG_COMMAND } from "../src/zmq/codec/constants.js";
import { FrameDecoder } from "../src/zmq/codec/decoder.js";
import { encodeFrame, encodeMessage } from "../src/zmq/codec/frame.js";
import { ProtocolError } from "../src/zmq/errors.js";
import { WriteBatch } from "../src/zmq/engine/write-batch.js";

/** Decodes a byte stream fed in the given chunks into messages (commands as ["!NAME", data]). */
function decode(chunks: Uint8Array[]): string[][] {
  const messages: string[][] = [];
  let current: string[] = [];
  const decoder = new FrameDecoder((flags, body) => {
    if (flags & FLAG_COMMAND) {
      messages.push([`!${body.toString("hex")}`]);
      return;
    }
    current.push(body.toString("hex"));
    if (!(flags & 1)) {
      messages.push(current);
      current = [];
    }
  });
  for (const c of chunks) decoder.push(Buffer.from(c));
  return messages;
}

function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

const frame = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 250, maxLength: 70000 }) },
);
const message = fc.array(frame, { minLength: 1, maxLength: 5 });

describe("FrameDecoder", () => {
  it("decodes any stream of messages, cut at any byte boundaries, to the same messages", () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map((m) => encodeMessage(m)));
          const expected = messages.map((m) => m.map((f) => Buffer.from(f).toString("hex")));
          expect(decode(cut(stream, cuts))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("decodes a stream fed one byte at a time", () => {
    const msgs = [[Buffer.alloc(0)], [Buffer.alloc(256, 1), Buffer.from("x")], [Buffer.alloc(255, 2)]];
    const stream = Buffer.concat(msgs.map((m) => encodeMessage(m)));
    const chunks = [...stream].map((b) => Uint8Array.of(b));
    expect(decode(chunks)).toEqual(msgs.map((m) => m.map((f) => f.toString("hex"))));
  });

  it("keeps commands and messages in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(message, fc.string({ maxLength: 40 })), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (items, cuts) => {
          const parts = items.map((it) =>
            typeof it === "string"
              ? encodeFrame(FLAG_COMMAND, encodeCommandBody("PING", Buffer.from(it)))
              : encodeMessage(it),
          );
          const expected = items.map((it) =>
            typeof it === "string"
              ? [`!${encodeCommandBody("PING", Buffer.from(it)).toString("hex")}`]
              : it.map((f) => Buffer.from(f).toString("hex")),
          );
          expect(decode(cut(Buffer.concat(parts), cuts))).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("hands out frames that lie whole in one chunk as views, not copies", () => {
    const chunk = Buffer.from(encodeMessage([Buffer.from("abc")]));
    let body: Buffer | undefined;
    new FrameDecoder((_f, b) => (body = b)).push(chunk);
    expect(body!.buffer).toBe(chunk.buffer);
  });

  it("a small body that comes in pieces is copied into memory of its own, not Buffer's shared pool", () => {
    const frame = Buffer.from(encodeMessage([Buffer.from("a password, say")]));
    const bodies: Buffer[] = [];
    const decoder = new FrameDecoder((_f, b) => bodies.push(b));
    for (let i = 0; i < frame.length; i += 3) decoder.push(Buffer.from(frame.subarray(i, i + 3)));
    expect(bodies.map(String)).toEqual(["a password, say"]);
    // Its buffer holds the body and nothing else of the process.
    expect(bodies[0]!.buffer.byteLength).toBe(bodies[0]!.length);
  });
});

describe("FrameDecoder direct reads", () => {
  it("gives the same messages when large bodies are read straight into their buffer", () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40000 }), { minLength: 1, maxLength: 30 }),
        (messages, reads) => {
          const stream = Buffer.from(Buffer.concat(messages.map((m) => encodeMessage(m))));
          const got: string[][] = [];
          let current: string[] = [];
          const decoder = new FrameDecoder((flags, body) => {
            current.push(body.toString("hex"));
            if (!(flags & 1)) {
              got.push(current);
              current = [];
            }
          });
          // Simulates a socket: each read goes into the decoder's target when it offers one.
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const want = reads[i % reads.length]!;
            const target = decoder.directTarget();
            if (target) {
              const n = Math.min(want, target.length, stream.length - offset);
              stream.copy(target, 0, offset, offset + n);
              decoder.filled(n);
              offset += n;
            } else {
              const n = Math.min(want, stream.length - offset);
              decoder.push(stream.subarray(offset, offset + n));
              offset += n;
            }
          }
          expect(got).toEqual(messages.map((m) => m.map((f) => Buffer.from(f).toString("hex"))));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("FrameDecoder on malformed input", () => {
  const feed = (bytes: number[], max = -1) => {
    const d = new FrameDecoder(() => {});
    d.maxFrameSize = max;
    d.push(Buffer.from(bytes));
    return d;
  };

  it("rejects reserved flag bits", () => {
    expect(() => feed([0x80, 0])).toThrow(ProtocolError);
    expect(() => feed([0x08])).toThrow(/reserved flag bits/);
  });

  it("rejects a command with the MORE flag", () => {
    expect(() => feed([0x05, 1, 65])).toThrow(/MORE/);
  });

  it("rejects a frame over maxFrameSize on its header, before buffering the body", () => {
    const err = (() => {
      try {
        feed([0x02, 0, 0, 0, 0, 0, 0x10, 0, 0], 1000);
      } catch (e) {
        return e as ProtocolError;
      }
    })();
    expect(err?.code).toBe("EMSGSIZE");
  });

  it("rejects absurd 64-bit sizes instead of trying to allocate them", () => {
    expect(() => feed([0x02, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).toThrow(/announced a frame/);
  });

  it("a body over 8 MiB gets its buffer once an eighth has come; a trickle before it costs no view per chunk", () => {
    const size = 16 * 1024 * 1024;
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) body[i] = i & 0xff;
    const bytes = Buffer.from(encodeFrame(0, body));
    let got: Buffer | undefined;
    const d = new FrameDecoder((_flags, b) => {
      got = b;
    });
    const parts = (d as unknown as { bodyParts: Buffer[] }).bodyParts;
    let at = 0;
    // 100,000 pieces of 7 octets, then pieces of growing size, some read straight into the buffer.
    for (let i = 0; i < 100_000; i++, at += 7) d.push(bytes.subarray(at, at + 7));
    expect(parts.length).toBeLessThan(20);
    expect(d.directTarget()).toBeUndefined(); // not yet an eighth: no 16 MiB buffer for 700 KB
    for (let n = 1000; at < bytes.length; n *= 2) {
      const target = d.directTarget();
      const take = Math.min(n, bytes.length - at);
      if (target && take >= target.length / 2) {
        const k = Math.min(take, target.length);
        bytes.copy(target, 0, at, at + k);
        d.filled(k);
        at += k;
      } else {
        d.push(bytes.subarray(at, at + take));
        at += take;
      }
    }
    expect(got?.equals(body)).toBe(true);
  });

  it("a body that comes whole after a few small pieces is still whole", () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 3);
    body[0] = 1;
    const bytes = Buffer.from(encodeFrame(0, body));
    let got: Buffer | undefined;
    const d = new FrameDecoder((_flags, b) => {
      got = b;
    });
    d.push(bytes.subarray(0, 20));
    d.push(bytes.subarray(20));
    expect(got?.equals(body)).toBe(true);
  });

  it("buffers only what was received of a large announced frame", () => {
    const d = new FrameDecoder(() => {});
    d.push(Buffer.from([0x02, 0, 0, 0, 0, 0x40, 0, 0, 0])); // 1 GiB announced
    d.push(Buffer.alloc(100));
    expect(d.buffered).toBe(100);
  });
});

describe("WriteBatch", () => {
  it("produces exactly the bytes of the encoded messages, at any batch boundary", () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 12 }),
        fc.array(fc.nat({ max: 12 }), { maxLength: 4 }),
        (messages, takes) => {
          const batch = new WriteBatch();
          const out: Uint8Array[] = [];
          messages.forEach((m, i) => {
            batch.addMessage(m);
            if (takes.includes(i)) out.push(...batch.take());
          });
          out.push(...batch.take());
          expect(Buffer.concat(out).equals(Buffer.concat(messages.map((m) => encodeMessage(m))))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("sends large bodies by reference", () => {
    const batch = new WriteBatch();
    const body = Buffer.alloc(100000, 3);
    batch.addMessage([body]);
    expect(batch.take()).toContain(body);
  });

  it("does not overwrite bytes already taken when it goes on filling its block", () => {
    const batch = new WriteBatch();
    batch.addMessage([Buffer.from("first")]);
    const first = Buffer.concat(batch.take());
    const copy = Buffer.from(first);
    batch.addMessage([Buffer.from("second")]);
    batch.take();
    expect(first.equals(copy)).toBe(true);
  });
});

describe("read sizes after large frames", () => {
  it("asks for short reads around the headers of a stream of large frames", () => {
    const frames: number[] = [];
    const decoder = new FrameDecoder((_flags, body) => frames.push(body.length));
    expect(decoder.preferredReadSize()).toBeUndefined();
    const big = Buffer.from(encodeMessage([Buffer.alloc(65536, 1)]));
    decoder.push(big.subarray(0, 1000));
    expect(decoder.preferredReadSize()).toBeUndefined(); // inside the first large body: no stream yet
    decoder.push(big.subarray(1000));
    expect(frames).toEqual([65536]);
    expect(decoder.preferredReadSize()).toBe(4096);
    // A second large frame: the rest of its body and no more than 4 KiB of what follows.
    decoder.push(big.subarray(0, 60000));
    expect(decoder.preferredReadSize()).toBe(big.length - 60000 + 4096);
    decoder.push(big.subarray(60000));
    // Past 256 KiB a body's tail is read with whatever follows (measured faster).
    const huge = Buffer.from(encodeMessage([Buffer.alloc(1 << 20, 2)]));
    decoder.push(huge.subarray(0, huge.length - 1000));
    expect(decoder.preferredReadSize()).toBeUndefined();
    decoder.push(huge.subarray(huge.length - 1000));
    expect(decoder.preferredReadSize()).toBe(4096);
    decoder.push(Buffer.from(encodeMessage([Buffer.from("small")])));
    expect(decoder.preferredReadSize()).toBeUndefined();
  });
});

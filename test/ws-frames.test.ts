import * as net from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openWebSocket } from "../src/zmq/transport/ws/ws-client.js";
import { encodeClientFrame, FrameReader, WebSocketProtocolError, xorMask } from "../src/zmq/transport/ws/ws-frames.js";

/** A frame as a server sends it: unmasked. */
function serverFrame(fin: boolean, opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0, n]) : n <= 0xffff ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126 && n <= 0xffff) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else if (n > 0xffff) {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

function collect(maxPayload = 0, masked = false) {
  const messages: string[] = [];
  const pings: string[] = [];
  const closes: number[] = [];
  const reader = new FrameReader(
    {
      message: (p, text) => messages.push(`${text ? "t" : "b"}:${p.toString("hex")}`),
      ping: (p) => pings.push(p.toString("hex")),
      close: (code) => closes.push(code),
    },
    maxPayload,
    masked,
  );
  return { reader, messages, pings, closes };
}

describe("WebSocket framing (RFC 6455)", () => {
  it("a message that came in pieces, or in fragments, is in memory of its own (not Buffer's shared pool)", () => {
    const got: Buffer[] = [];
    const reader = new FrameReader({ message: (p) => got.push(p), ping: () => {}, close: () => {} }, 0, false);
    const whole = serverFrame(true, 2, Buffer.from("secret"));
    for (let i = 0; i < whole.length; i += 2) reader.push(Buffer.from(whole.subarray(i, i + 2)));
    reader.push(Buffer.concat([serverFrame(false, 2, Buffer.from("sec")), serverFrame(true, 0, Buffer.from("ret"))]));
    expect(got.map(String)).toEqual(["secret", "secret"]);
    // Each buffer holds this connection's octets only: the frame as it came, or the message.
    expect(got[0]!.buffer.byteLength).toBe(whole.length);
    expect(got[1]!.buffer.byteLength).toBe(6);
  });

  it("reads messages, fragmented or not, with pings between fragments, however the stream is cut", () => {
    const message = fc.record({
      parts: fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }),
      text: fc.boolean(),
      ping: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 50 })), (msgs, cuts) => {
        const frames: Buffer[] = [];
        const want: string[] = [];
        for (const m of msgs) {
          m.parts.forEach((part, i) => {
            const last = i === m.parts.length - 1;
            frames.push(serverFrame(last, i === 0 ? (m.text ? 1 : 2) : 0, Buffer.from(part)));
            if (m.ping && !last) frames.push(serverFrame(true, 9, Buffer.from("p")));
          });
          want.push(`${m.text ? "t" : "b"}:${Buffer.concat(m.parts.map((p) => Buffer.from(p))).toString("hex")}`);
        }
        const stream = Buffer.concat(frames);
        const { reader, messages } = collect();
        let offset = 0;
        for (const cut of cuts) {
          reader.push(stream.subarray(offset, Math.min(stream.length, offset + cut)));
          offset = Math.min(stream.length, offset + cut);
        }
        reader.push(stream.subarray(offset));
        expect(messages).toEqual(want);
      }),
    );
  });

  it("a server reads client frames (masked) cut anywhere, and refuses unmasked ones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 70000 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 5000 }),
        (payloads, cut) => {
          const stream = Buffer.concat(payloads.map((p) => encodeClientFrame(2, p)));
          const { reader, messages } = collect(0, true);
          for (let i = 0; i < stream.length; i += cut) reader.push(Buffer.from(stream.subarray(i, i + cut)));
          expect(messages).toEqual(payloads.map((p) => `b:${Buffer.from(p).toString("hex")}`));
        },
      ),
      { numRuns: 40 },
    );
    const { reader } = collect(0, true);
    expect(() => reader.push(serverFrame(true, 2, Buffer.from("x")))).toThrow(WebSocketProtocolError);
  });

  it("a 1 MiB message in 1 KiB pieces, and the 16- and 64-bit lengths", () => {
    const { reader, messages } = collect();
    const big = Buffer.alloc(1 << 20, 3);
    const stream = Buffer.concat([serverFrame(true, 2, big), serverFrame(true, 2, Buffer.alloc(300, 1))]);
    for (let i = 0; i < stream.length; i += 1024) reader.push(stream.subarray(i, i + 1024));
    expect(messages.map((m) => m.length)).toEqual([2 + 2 * (1 << 20), 2 + 600]);
  });

  it("answers close and reports pings", () => {
    const { reader, pings, closes } = collect();
    reader.push(serverFrame(true, 9, Buffer.from("hi")));
    reader.push(serverFrame(true, 8, Buffer.from([0x03, 0xe9])));
    expect(pings).toEqual(["6869"]);
    expect(closes).toEqual([1001]);
  });

  it("refuses masked frames, reserved bits, bad control frames, orphan continuations, oversized messages", () => {
    const bad = [
      Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5]), // masked
      Buffer.from([0xc2, 0x00]), // RSV1
      serverFrame(false, 9, Buffer.alloc(1)), // fragmented control frame
      serverFrame(true, 0, Buffer.alloc(1)), // continuation of nothing
      serverFrame(true, 3, Buffer.alloc(1)), // reserved opcode
      serverFrame(true, 2, Buffer.alloc(11)), // over the limit of 10
    ];
    for (const frame of bad) {
      const { reader } = collect(10);
      expect(() => reader.push(frame)).toThrow(WebSocketProtocolError);
    }
  });

  it("client frames are masked and decode back to the payload", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70000 }), (payload) => {
        const frame = encodeClientFrame(2, payload);
        expect(frame[0]).toBe(0x82);
        expect(frame[1]! & 0x80).toBe(0x80);
        const n = payload.length;
        const offset = n < 126 ? 2 : n <= 0xffff ? 4 : 10;
        const mask = frame.subarray(offset, offset + 4);
        const body = frame.subarray(offset + 4).map((b, i) => b ^ mask[i % 4]!);
        expect(Buffer.from(body).equals(Buffer.from(payload))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("the client refuses a server that does not upgrade or answers with the wrong accept key", async () => {
    const replies = [
      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n",
    ];
    for (const reply of replies) {
      const server = net.createServer((s) => s.once("data", () => s.write(reply)));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = (server.address() as net.AddressInfo).port;
      await expect(
        openWebSocket(false, "127.0.0.1", port, "/", { protocols: ["ZWS2.0"], timeout: 2000 }),
      ).rejects.toThrow(/HTTP 404|Sec-WebSocket-Accept/);
      server.close();
    }
  });
});

describe("xorMask", () => {
  it("equals the octet-by-octet XOR at every alignment and length", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 7 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (bytes, shift, mask) => {
          const room = new Uint8Array(bytes.length + 8);
          const data = room.subarray(shift, shift + bytes.length);
          data.set(bytes);
          xorMask(data, mask);
          expect([...data]).toEqual([...bytes].map((b, i) => b ^ mask[i % 4]!));
        },
      ),
    );
  });
});

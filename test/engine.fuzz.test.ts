import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeCommandBody, encodeMetadata } from "../src/zmq/codec/command.js";
import { FLAG_COMMAND } from "../src/zmq/codec/constants.js";
import { encodeFrame } from "../src/zmq/codec/frame.js";
import { encodeGreeting } from "../src/zmq/codec/greeting.js";
import type { ConnectionOwner as EngineOwner } from "../src/zmq/engine/connection.js";
import { Engine } from "../src/zmq/engine/engine.js";
import { ZmqError } from "../src/zmq/errors.js";
import { nullMechanism } from "../src/zmq/mechanism/null.js";
import { Pull, Push } from "../src/zmq/index.js";
import type { Carrier, CarrierHandlers } from "../src/zmq/transport/carrier.js";
import { bound, track } from "./helpers/sockets.js";

class FakeCarrier implements Carrier {
  readonly remoteAddress = "fake://peer";
  handlers!: CarrierHandlers;
  destroyed = false;
  start(h: CarrierHandlers) {
    this.handlers = h;
  }
  write() {
    return true;
  }
  pause() {}
  resume() {}
  end() {
    this.destroyed = true;
  }
  destroy() {
    this.destroyed = true;
  }
}

const KNOWN_CODES = new Set([
  "EPROTO",
  "EMSGSIZE",
  "EVERSION",
  "EMECHANISM",
  "ESOCKTNOSUPPORT",
  "ETIMEDOUT",
  "ECONNRESET",
]);

function engineUnderTest(maxMessageSize: number) {
  const carrier = new FakeCarrier();
  const seen = { closedWith: undefined as ZmqError | undefined, closed: false, messages: 0 };
  const owner: EngineOwner = {
    engineReady: () => {},
    engineMessage: (_e, frames) => {
      expect(Array.isArray(frames) && frames.every((f) => f instanceof Uint8Array)).toBe(true);
      seen.messages++;
    },
    engineSubscription: () => {},
    engineWritable: () => {},
    engineClosed: (_e, error) => {
      seen.closed = true;
      seen.closedWith = error;
    },
  };
  const engine = new Engine(
    carrier,
    {
      socketType: "PULL",
      routingId: undefined,
      mechanism: nullMechanism,
      bound: true,
      maxMessageSize,
      heartbeatInterval: 0,
      heartbeatTimeout: -1,
      heartbeatTimeToLive: 0,
      handshakeTimeout: 0,
    },
    owner,
  );
  engine.start();
  return { carrier, engine, seen };
}

const handshake = Buffer.concat([
  encodeGreeting("NULL", false),
  encodeFrame(FLAG_COMMAND, encodeCommandBody("READY", encodeMetadata([["Socket-Type", "PUSH"]]))),
]);

describe("engine under arbitrary input", () => {
  it("never throws: any bytes, in any chunks, before or after the handshake, end in a typed error or are accepted", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(-1, 64, 1024),
        (afterHandshake, junk, cuts, max) => {
          const { carrier, seen } = engineUnderTest(max);
          const stream = afterHandshake ? Buffer.concat([handshake, junk]) : Buffer.from(junk);
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            expect(() => carrier.handlers.data(stream.subarray(offset, offset + n))).not.toThrow();
            offset += n;
          }
          if (seen.closed) {
            expect(seen.closedWith).toBeInstanceOf(ZmqError);
            expect(KNOWN_CODES.has(seen.closedWith!.code)).toBe(true);
            expect(carrier.destroyed).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("back-pressure keeps memory bounded", () => {
  it("a reader that stops reading makes the sender wait; nothing is lost and the queue stays near the HWM", async () => {
    const pull = await bound(new Pull({ receiveHighWaterMark: 50 }));
    const push = track(new Push({ sendHighWaterMark: 50, sendTimeout: 300 }));
    push.connect(pull.lastEndpoint!);
    const payload = Buffer.alloc(1024, 1);
    let sent = 0;
    for (;;) {
      const frame = Buffer.from(payload);
      frame.writeUInt32BE(sent, 0);
      try {
        await push.send(frame);
        sent++;
      } catch (e) {
        expect((e as ZmqError).code).toBe("EAGAIN"); // the whole pipeline is full
        break;
      }
      expect(sent).toBeLessThan(200000); // bounded: the sender must block at some point
    }
    const queued = (pull as unknown as { inbound: { length: number } }).inbound.length;
    // Reading pauses at the HWM; one read chunk (64 KiB of 1 KiB messages) may overshoot it.
    expect(queued).toBeLessThanOrEqual(50 + 64);
    for (let i = 0; i < sent; i++) expect((await pull.receive())[0]!.readUInt32BE(0)).toBe(i);
  });
});

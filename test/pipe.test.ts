/**
 * The socket layer's pipe on its own (src/zmq/socket/pipe.ts), with a fake connection that
 * records what it is asked and fake limits: the outgoing queue and its high-water marks,
 * conflate, the pausing of reading (inbound: the receive high-water mark; outbound: a backlog of
 * octets), reconnections, and the commands a pipe sends to its peer.
 */
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Connection, PeerInfo } from "../src/zmq/engine/connection.js";
import type { ZmqError } from "../src/zmq/errors.js";
import { type Message, Pipe, type PipeLimits } from "../src/zmq/socket/pipe.js";

/** A connection that records what the pipe asks of it; the test sets its state and blocking. */
class FakeConnection implements Connection {
  state: Connection["state"] = "ready";
  peer: PeerInfo | undefined = undefined;
  blocked = false;
  remoteAddress = "fake://peer";
  batchedMessages = 0;
  /** Blocks itself after this many more messages (a carrier that asks to wait). */
  blockAfter = Number.POSITIVE_INFINITY;
  /** Called within sendMessage (a flush that asks the pipe for a drain again). */
  onSend: (() => void) | undefined;
  readonly sent: Message[] = [];
  readonly commands: Array<[string, Uint8Array | undefined]> = [];
  readonly calls: string[] = [];

  start(): void {
    this.calls.push("start");
  }
  sendMessage(frames: readonly Uint8Array[]): void {
    this.sent.push([...frames]);
    if (--this.blockAfter <= 0) this.blocked = true;
    this.onSend?.();
  }
  sendCommand(name: string, data?: Uint8Array): void {
    this.commands.push([name, data]);
  }
  pauseReading(): void {
    this.calls.push("pause");
  }
  resumeReading(): void {
    this.calls.push("resume");
  }
  closeGracefully(): void {
    this.calls.push("closeGracefully");
  }
  close(_error?: ZmqError): void {
    this.calls.push("close");
  }
  refuse(_error: ZmqError): void {
    this.calls.push("refuse");
  }
  /** How often the pipe paused / resumed reading. */
  count(call: string): number {
    return this.calls.filter((c) => c === call).length;
  }
}

interface Limits extends PipeLimits {
  hwm: number;
  hwb: number;
  conflating: boolean;
  /** The receive high-water mark the test passes to received() and consumed(), as the socket does. */
  rhwm: number;
}

function limits(values: Partial<Pick<Limits, "hwm" | "hwb" | "conflating" | "rhwm">> = {}): Limits {
  return {
    hwm: 0,
    hwb: 0,
    conflating: false,
    rhwm: 0,
    ...values,
    sendHighWaterMark() {
      return this.hwm;
    },
    sendHighWaterBytes() {
      return this.hwb;
    },
    conflate() {
      return this.conflating;
    },
  };
}

/** A one-frame message of `size` octets, all equal to `tag`. */
function msg(tag: number, size = 1): Message {
  return [new Uint8Array(size).fill(tag)];
}

const tags = (messages: Message[]) => messages.map((m) => m[0]![0]);

function setup(values: Parameters<typeof limits>[0] = {}) {
  const l = limits(values);
  const pipe = new Pipe("tcp://127.0.0.1:1", l);
  const engine = new FakeConnection();
  return { l, pipe, engine };
}

describe("Pipe: writing and draining", () => {
  it("write() hands a message straight to a ready, unblocked engine", () => {
    const { pipe, engine } = setup();
    expect(pipe.attached).toBe(false);
    pipe.attach(engine);
    expect(pipe.attached).toBe(true);
    expect(pipe.connected).toBe(true);
    pipe.write(msg(1, 3));
    expect(tags(engine.sent)).toEqual([1]);
    expect(pipe.queued).toBe(0);
    expect(pipe.pendingBytes).toBe(0);
  });

  it("write() queues without an engine, and drain() does nothing then", () => {
    const { pipe } = setup();
    pipe.write(msg(1, 2));
    pipe.write(msg(2, 5));
    expect(pipe.queued).toBe(2);
    expect(pipe.pending).toBe(2);
    expect(pipe.pendingBytes).toBe(7);
    expect(pipe.connected).toBe(false);
    pipe.drain();
    expect(pipe.queued).toBe(2);
  });

  it("write() queues while the engine is in its handshake; drain() moves the messages once it is ready", () => {
    const { pipe, engine } = setup();
    engine.state = "handshake";
    pipe.attach(engine);
    expect(pipe.connected).toBe(false);
    pipe.write(msg(1));
    pipe.write(msg(2));
    pipe.drain(); // not ready yet: nothing moves
    expect(engine.sent).toEqual([]);
    expect(pipe.queued).toBe(2);
    engine.state = "ready";
    pipe.drain();
    expect(tags(engine.sent)).toEqual([1, 2]);
    expect(pipe.queued).toBe(0);
  });

  it("write() queues while the engine is blocked, and behind a non-empty queue once it is not (order kept)", () => {
    const { pipe, engine } = setup();
    pipe.attach(engine);
    engine.blocked = true;
    pipe.write(msg(1));
    engine.blocked = false;
    pipe.write(msg(2)); // the engine would take it, but 1 waits before it
    expect(engine.sent).toEqual([]);
    expect(pipe.queued).toBe(2);
    pipe.drain();
    pipe.write(msg(3)); // the queue is empty again: straight through
    expect(tags(engine.sent)).toEqual([1, 2, 3]);
  });

  it("drain() moves queued messages while the engine accepts them, and stops when it blocks", () => {
    const { pipe, engine } = setup();
    pipe.attach(engine);
    engine.blocked = true;
    for (let i = 1; i <= 5; i++) pipe.write(msg(i, 10));
    expect(pipe.pendingBytes).toBe(50);
    engine.blocked = false;
    engine.blockAfter = 2;
    pipe.drain();
    expect(tags(engine.sent)).toEqual([1, 2]);
    expect(pipe.queued).toBe(3);
    expect(pipe.pendingBytes).toBe(30);
    pipe.drain(); // still blocked: nothing moves
    expect(engine.sent).toHaveLength(2);
    engine.blocked = false;
    engine.blockAfter = Number.POSITIVE_INFINITY;
    pipe.drain();
    expect(tags(engine.sent)).toEqual([1, 2, 3, 4, 5]);
    expect(pipe.pendingBytes).toBe(0);
  });

  it("drain() stops when the engine closes in the middle", () => {
    const { pipe, engine } = setup();
    pipe.attach(engine);
    engine.blocked = true;
    for (let i = 1; i <= 3; i++) pipe.write(msg(i));
    engine.blocked = false;
    engine.onSend = () => {
      engine.state = "closed";
    };
    pipe.drain();
    expect(tags(engine.sent)).toEqual([1]);
    expect(pipe.queued).toBe(2);
  });

  it("a drain asked for from within the engine's send (a flush) does not recurse or reorder", () => {
    const { pipe, engine } = setup();
    pipe.attach(engine);
    engine.blocked = true;
    for (let i = 1; i <= 4; i++) pipe.write(msg(i));
    engine.blocked = false;
    let depth = 0;
    let deepest = 0;
    engine.onSend = () => {
      depth++;
      deepest = Math.max(deepest, depth);
      pipe.drain();
      depth--;
    };
    pipe.drain();
    expect(tags(engine.sent)).toEqual([1, 2, 3, 4]);
    expect(deepest).toBe(1);
  });
});

describe("Pipe: high-water marks and conflate", () => {
  it("is full at sendHighWaterMark messages, counting those the engine has batched", () => {
    const { l, pipe, engine } = setup({ hwm: 3 });
    engine.state = "handshake";
    pipe.attach(engine);
    pipe.write(msg(1));
    pipe.write(msg(2));
    expect(pipe.pending).toBe(2);
    expect(pipe.full).toBe(false);
    engine.batchedMessages = 1;
    expect(pipe.queued).toBe(2);
    expect(pipe.pending).toBe(3);
    expect(pipe.full).toBe(true);
    engine.batchedMessages = 0;
    expect(pipe.full).toBe(false);
    pipe.write(msg(3));
    expect(pipe.full).toBe(true);
    l.hwm = 0; // no limit
    for (let i = 0; i < 100; i++) pipe.write(msg(4));
    expect(pipe.full).toBe(false);
  });

  it("is full at sendHighWaterBytes octets queued (the limit read each time)", () => {
    const { l, pipe } = setup({ hwb: 10 });
    pipe.write(msg(1, 4));
    pipe.write(msg(2, 5));
    expect(pipe.pendingBytes).toBe(9);
    expect(pipe.full).toBe(false);
    pipe.write(msg(3, 1));
    expect(pipe.full).toBe(true);
    l.hwb = 11;
    expect(pipe.full).toBe(false);
  });

  it("is never full under conflate, and keeps only the newest queued message", () => {
    const { pipe, engine } = setup({ hwm: 1, hwb: 1, conflating: true });
    for (let i = 1; i <= 5; i++) pipe.write(msg(i, i));
    expect(pipe.full).toBe(false);
    expect(pipe.queued).toBe(1);
    expect(pipe.pendingBytes).toBe(5);
    pipe.attach(engine);
    pipe.drain();
    expect(tags(engine.sent)).toEqual([5]);
    expect(pipe.pendingBytes).toBe(0);
  });
});

describe("Pipe: pausing the reading of the peer", () => {
  it("pauses once half of sendHighWaterBytes is queued, and resumes once less than a quarter is", () => {
    const { pipe, engine } = setup({ hwb: 100 });
    pipe.attach(engine);
    engine.blocked = true;
    for (let i = 1; i <= 4; i++) pipe.write(msg(i, 10));
    pipe.write(msg(5, 9)); // 49 octets: below half
    expect(engine.count("pause")).toBe(0);
    pipe.write(msg(6, 1)); // 50: half
    expect(engine.calls).toEqual(["pause"]);
    for (let i = 7; i <= 9; i++) pipe.write(msg(i, 10)); // 80: already paused
    expect(engine.count("pause")).toBe(1);
    engine.blocked = false;
    engine.blockAfter = 6; // leaves 10 + 10 + 10 = 30 octets: not below a quarter
    pipe.drain();
    expect(pipe.pendingBytes).toBe(30);
    expect(engine.count("resume")).toBe(0);
    engine.blocked = false;
    engine.blockAfter = 1; // 20 octets: below 25
    pipe.drain();
    expect(pipe.pendingBytes).toBe(20);
    expect(engine.calls).toEqual(["pause", "resume"]);
    engine.blocked = false;
    engine.blockAfter = Number.POSITIVE_INFINITY;
    pipe.drain();
    expect(engine.calls).toEqual(["pause", "resume"]);
  });

  it("with sendHighWaterBytes 0, a backlog never pauses reading", () => {
    const { pipe, engine } = setup({ hwb: 0 });
    pipe.attach(engine);
    engine.blocked = true;
    for (let i = 0; i < 50; i++) pipe.write(msg(i, 1000));
    expect(engine.calls).toEqual([]);
  });

  it("received() up to receiveHighWaterMark pauses reading once; consumed() below the mark resumes it once", () => {
    const { l, pipe, engine } = setup({ rhwm: 3 });
    pipe.attach(engine);
    pipe.received(l.rhwm);
    pipe.received(l.rhwm);
    expect(engine.calls).toEqual([]);
    pipe.received(l.rhwm);
    expect(engine.calls).toEqual(["pause"]);
    pipe.received(l.rhwm);
    expect(pipe.unreceived).toBe(4);
    expect(engine.calls).toEqual(["pause"]);
    pipe.consumed(l.rhwm); // 3: still at the mark
    expect(engine.calls).toEqual(["pause"]);
    pipe.consumed(l.rhwm); // 2
    expect(engine.calls).toEqual(["pause", "resume"]);
    pipe.consumed(l.rhwm);
    pipe.consumed(l.rhwm);
    expect(pipe.unreceived).toBe(0);
    expect(engine.calls).toEqual(["pause", "resume"]);
  });

  it("a receive mark of 0 never pauses, and a pipe paused under a mark resumes once it is set to 0", () => {
    const { l, pipe, engine } = setup({ rhwm: 0 });
    pipe.attach(engine);
    for (let i = 0; i < 1000; i++) pipe.received(l.rhwm);
    expect(engine.calls).toEqual([]);
    l.rhwm = 1001;
    pipe.received(l.rhwm);
    expect(engine.calls).toEqual(["pause"]);
    l.rhwm = 0;
    pipe.consumed(l.rhwm);
    expect(engine.calls).toEqual(["pause", "resume"]);
  });

  it("forgetReceived() resets the count and resumes reading", () => {
    const { l, pipe, engine } = setup({ rhwm: 2 });
    pipe.attach(engine);
    for (let i = 0; i < 3; i++) pipe.received(l.rhwm);
    expect(engine.calls).toEqual(["pause"]);
    pipe.forgetReceived();
    expect(pipe.unreceived).toBe(0);
    expect(engine.calls).toEqual(["pause", "resume"]);
    pipe.received(l.rhwm); // 1 of 2: reading goes on
    expect(engine.calls).toEqual(["pause", "resume"]);
    pipe.forgetReceived(); // not paused: nothing to resume
    expect(engine.calls).toEqual(["pause", "resume"]);
  });

  it("reading stays paused while either the receive mark or the send backlog holds, and resumes once neither does", () => {
    const { l, pipe, engine } = setup({ rhwm: 1, hwb: 20 });
    pipe.attach(engine);
    pipe.received(l.rhwm); // at the receive mark
    engine.blocked = true;
    pipe.write(msg(1, 10)); // half of hwb: a backlog as well
    expect(engine.calls).toEqual(["pause"]);
    pipe.consumed(l.rhwm); // the backlog still holds
    expect(engine.calls).toEqual(["pause"]);
    pipe.received(l.rhwm); // the mark again
    engine.blocked = false;
    pipe.drain(); // the backlog gone, the mark still holds
    expect(engine.calls).toEqual(["pause"]);
    pipe.consumed(l.rhwm);
    expect(engine.calls).toEqual(["pause", "resume"]);
  });

  it("received() without an engine pauses nothing, and the next engine is not paused for it", () => {
    const { l, pipe, engine } = setup({ rhwm: 1 });
    pipe.received(l.rhwm);
    pipe.received(l.rhwm);
    pipe.attach(engine);
    expect(engine.calls).toEqual([]);
  });

  it("attach() of a new engine after detach() judges pausing anew: the old engine is left alone", () => {
    const { l, pipe, engine } = setup({ rhwm: 2, hwb: 100 });
    pipe.attach(engine);
    pipe.received(l.rhwm);
    pipe.received(l.rhwm);
    expect(engine.calls).toEqual(["pause"]);
    pipe.detach();
    expect(pipe.attached).toBe(false);
    expect(pipe.peer).toBeUndefined();
    const second = new FakeConnection();
    pipe.attach(second);
    // The receive mark paused the old connection; the new one is read (until a message more).
    expect(second.calls).toEqual([]);
    pipe.consumed(l.rhwm);
    pipe.consumed(l.rhwm);
    expect(engine.calls).toEqual(["pause"]);
    expect(second.calls).toEqual([]);

    // A backlog of octets waiting for the peer pauses the next connection from the start.
    pipe.detach();
    for (let i = 0; i < 6; i++) pipe.write(msg(i, 10));
    const third = new FakeConnection();
    third.blocked = true;
    pipe.attach(third);
    expect(third.calls).toEqual(["pause"]);
    expect(second.calls).toEqual([]);
    third.blocked = false;
    pipe.drain();
    expect(third.calls).toEqual(["pause", "resume"]);
    expect(tags(third.sent)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("Pipe: commands to the peer, and its end", () => {
  const topic = new Uint8Array([0x61, 0x62]);

  it("sendSubscription() sends SUBSCRIBE / CANCEL commands to a ZMTP 3.1 peer", () => {
    const { pipe, engine } = setup();
    engine.peer = { socketType: "PUB", identity: Buffer.alloc(0), minor: 1, metadata: new Map() };
    pipe.attach(engine);
    expect(pipe.peer?.minor).toBe(1);
    pipe.sendSubscription(true, topic);
    pipe.sendSubscription(false, topic);
    expect(engine.commands).toEqual([
      ["SUBSCRIBE", topic],
      ["CANCEL", topic],
    ]);
    expect(engine.sent).toEqual([]);
  });

  it("sendSubscription() sends a 0x01 / 0x00-prefixed message to a ZMTP 3.0 peer", () => {
    const { pipe, engine } = setup();
    engine.peer = { socketType: "PUB", identity: Buffer.alloc(0), minor: 0, metadata: new Map() };
    pipe.attach(engine);
    pipe.sendSubscription(true, topic);
    pipe.sendSubscription(false, topic);
    expect(engine.commands).toEqual([]);
    expect(engine.sent.map((m) => m.map((f) => [...f]))).toEqual([[[1, 0x61, 0x62]], [[0, 0x61, 0x62]]]);
  });

  it("sends no subscription, group, or close without an engine", () => {
    const { pipe } = setup();
    expect(() => {
      pipe.sendSubscription(true, topic);
      pipe.sendGroup(true, topic);
      pipe.closeConnection();
      pipe.closeAfterQueued();
    }).not.toThrow();
    expect(pipe.queued).toBe(0);
  });

  it("sendGroup() sends JOIN / LEAVE commands", () => {
    const { pipe, engine } = setup();
    pipe.attach(engine);
    pipe.sendGroup(true, topic);
    pipe.sendGroup(false, topic);
    expect(engine.commands).toEqual([
      ["JOIN", topic],
      ["LEAVE", topic],
    ]);
  });

  it("closeConnection() closes the engine at once, closeAfterQueued() gracefully", () => {
    const { pipe, engine } = setup();
    pipe.attach(engine);
    pipe.closeConnection();
    expect(engine.calls).toEqual(["close"]);
    pipe.closeAfterQueued();
    expect(engine.calls).toEqual(["close", "closeGracefully"]);
  });

  it("a detached engine is no longer touched", () => {
    const { pipe, engine } = setup();
    pipe.attach(engine);
    pipe.detach();
    pipe.write(msg(1));
    pipe.drain();
    pipe.sendGroup(true, topic);
    pipe.closeConnection();
    expect(engine.sent).toEqual([]);
    expect(engine.commands).toEqual([]);
    expect(engine.calls).toEqual([]);
    expect(pipe.queued).toBe(1);
  });
});

describe("Pipe: property", () => {
  it("over any sequence of writes, drains, blocks, state changes and reconnections, each message reaches an engine exactly once, in order", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("write" as const), size: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant("drain" as const) }),
      fc.record({ kind: fc.constant("block" as const) }),
      fc.record({ kind: fc.constant("unblock" as const) }),
      // The carrier asks to wait after `n` more messages.
      fc.record({ kind: fc.constant("blockAfter" as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant("handshake" as const) }),
      fc.record({ kind: fc.constant("ready" as const) }),
      fc.record({ kind: fc.constant("reconnect" as const) }),
      fc.record({ kind: fc.constant("detach" as const) }),
      // Sending flushes, and the flush asks the pipe for a drain again.
      fc.record({ kind: fc.constant("reentrant" as const), on: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: 0, max: 200 }), (ops, hwb) => {
        const pipe = new Pipe("inproc://p", limits({ hwb }));
        const engines: FakeConnection[] = [];
        let engine: FakeConnection | undefined;
        let reentrant = false;
        const connect = () => {
          engine = new FakeConnection();
          const e = engine;
          e.onSend = () => {
            if (reentrant) pipe.drain();
          };
          engines.push(e);
          pipe.attach(e);
        };
        let next = 0;
        const written: number[] = [];
        const delivered = () => engines.flatMap((e) => e.sent.map((m) => (m[0]![0]! << 8) | m[0]![1]!));
        for (const o of ops) {
          switch (o.kind) {
            case "write": {
              const id = next++;
              const message = new Uint8Array(Math.max(2, o.size));
              message[0] = id >> 8;
              message[1] = id & 0xff;
              written.push(id);
              pipe.write([message]);
              break;
            }
            case "drain":
              pipe.drain();
              break;
            case "block":
              if (engine) engine.blocked = true;
              break;
            case "unblock":
              if (engine) {
                engine.blocked = false;
                engine.blockAfter = Number.POSITIVE_INFINITY;
              }
              break;
            case "blockAfter":
              if (engine) engine.blockAfter = o.n;
              break;
            case "handshake":
              if (engine) engine.state = "handshake";
              break;
            case "ready":
              if (engine) engine.state = "ready";
              break;
            case "reconnect":
              pipe.detach();
              connect();
              break;
            case "detach":
              pipe.detach();
              engine = undefined;
              break;
            case "reentrant":
              reentrant = o.on;
              break;
          }
          // At every step: what was delivered, then what is queued, is what was written.
          const sent = delivered();
          expect(sent).toEqual(written.slice(0, sent.length));
          expect(pipe.queued).toBe(written.length - sent.length);
          // Reading is paused at most once at a time: never two pauses or two resumes in a row.
          if (engine) {
            const paused = engine.count("pause") - engine.count("resume");
            expect(paused === 0 || paused === 1).toBe(true);
          }
        }
        // In the end, a ready engine that never blocks takes everything left.
        if (!engine) connect();
        engine!.state = "ready";
        engine!.blocked = false;
        engine!.blockAfter = Number.POSITIVE_INFINITY;
        pipe.drain();
        expect(delivered()).toEqual(written);
        expect(pipe.queued).toBe(0);
        expect(pipe.pendingBytes).toBe(0);
        // Nothing is queued any more: reading is not paused for a backlog.
        expect(engine!.count("pause") - engine!.count("resume")).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

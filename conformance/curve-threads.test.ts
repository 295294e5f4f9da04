/**
 * CURVE with worker threads for large boxes (the context's curveThreads): what goes on the wire
 * is what libzmq expects (the native package's sockets at the other end check every nonce and
 * box), in order, interleaved with small frames and heartbeat commands, and nothing is lost at
 * a graceful close while boxes are still being sealed.
 */
import { createHash } from "node:crypto";
import * as native from "zeromq";
import { afterEach, describe, expect, it } from "vitest";
import { Context, curveKeyPair, Pull, Push } from "../src/zmq/index.js";

const threaded = new Context({ curveThreads: 2 });
const sockets: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
function keep<T extends { close(): void }>(socket: T): T {
  sockets.push(socket);
  return socket;
}

/** Message i: a small header, then a body whose size cycles through the classes around the threshold. */
const SIZES = [16, 270_000, 1 << 20, 262_143, 300_000, 0, 262_144];
function message(i: number): [Buffer, Buffer] {
  const body = Buffer.alloc(SIZES[i % SIZES.length]!, i & 0xff);
  if (body.length >= 4) body.writeUInt32BE(i);
  return [Buffer.from(`m${i}`), body];
}
const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const COUNT = 42;

async function expectStream(receive: () => Promise<Buffer[]>): Promise<void> {
  for (let i = 0; i < COUNT; i++) {
    const [header, body] = await receive();
    const [h, b] = message(i);
    expect(header!.toString()).toBe(h.toString());
    expect(digest(body!)).toBe(digest(b));
  }
}

/** PUSH connects to PULL and sends the COUNT messages while PULL checks them as they come. */
async function streamThrough(
  push: { connect(endpoint: string): void; send(m: Buffer[]): Promise<void> },
  pull: { lastEndpoint: string | null; receive(): Promise<Buffer[]> },
): Promise<void> {
  push.connect(pull.lastEndpoint!);
  const sending = (async () => {
    for (let i = 0; i < COUNT; i++) await push.send(message(i));
  })();
  await expectStream(() => pull.receive());
  await sending;
}

describe("CURVE with worker threads (curveThreads: 2)", () => {
  it("a threaded PUSH to the native package's PULL: every message, in order", async () => {
    const server = native.curveKeyPair();
    const pull = keep(new native.Pull({ curveServer: true, curveSecretKey: server.secretKey, linger: 0 }));
    await pull.bind("tcp://127.0.0.1:*");
    const push = keep(new Push({ context: threaded, curveServerKey: server.publicKey, linger: 0 }));
    await streamThrough(push, pull);
  }, 30_000);

  it("the native package's PUSH to a threaded PULL: every message, in order", async () => {
    const server = curveKeyPair();
    const pull = keep(new Pull({ context: threaded, curveServer: true, curveSecretKey: server.secretKey, linger: 0 }));
    await pull.bind("tcp://127.0.0.1:*");
    const own = native.curveKeyPair();
    const push = keep(
      new native.Push({
        curveServerKey: server.publicKey,
        curvePublicKey: own.publicKey,
        curveSecretKey: own.secretKey,
        linger: 0,
      }),
    );
    await streamThrough(push, pull);
  }, 30_000);

  it("threads at both ends with heartbeats every few ms: commands keep their place, the link stays up", async () => {
    const server = curveKeyPair();
    const beats = { heartbeatInterval: 5, heartbeatTimeout: 2000 };
    const pull = keep(
      new Pull({ context: threaded, curveServer: true, curveSecretKey: server.secretKey, linger: 0, ...beats }),
    );
    await pull.bind("tcp://127.0.0.1:*");
    const push = keep(new Push({ context: threaded, curveServerKey: server.publicKey, linger: 0, ...beats }));
    const disconnects: string[] = [];
    push.events.on("disconnect", (e) => disconnects.push(String(e.error ?? "")));
    push.connect(pull.lastEndpoint!);
    const sending = (async () => {
      for (let round = 0; round < 3; round++) for (let i = 0; i < COUNT; i++) await push.send(message(i));
    })();
    for (let round = 0; round < 3; round++) await expectStream(() => pull.receive());
    await sending;
    expect(disconnects).toEqual([]);
  }, 60_000);

  it("a PUSH closed at once after large sends (linger -1) still delivers every message", async () => {
    const server = native.curveKeyPair();
    const pull = keep(new native.Pull({ curveServer: true, curveSecretKey: server.secretKey, linger: 0 }));
    await pull.bind("tcp://127.0.0.1:*");
    const push = new Push({ context: threaded, curveServerKey: server.publicKey, linger: -1 });
    push.connect(pull.lastEndpoint!);
    for (let i = 0; i < 12; i++) await push.send(message(2));
    push.close();
    for (let i = 0; i < 12; i++) expect((await pull.receive())[1]!.length).toBe(1 << 20);
  }, 30_000);
});

describe("the curveThreads option", () => {
  it("is -1 (automatic) by default, refuses what is not an integer from -1", () => {
    expect(new Context().curveThreads).toBe(-1);
    expect(new Context({ curveThreads: 0 }).curveThreads).toBe(0);
    expect(() => new Context({ curveThreads: 1.5 })).toThrow(TypeError);
    expect(() => new Context({ curveThreads: -2 })).toThrow(TypeError);
  });
});

import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command } from "../src/zmq/codec/command.js";
import { ZmqError } from "../src/zmq/errors.js";
import { curveMechanism } from "../src/zmq/mechanism/curve/curve.js";
import { loadCurveBoxes } from "../src/zmq/mechanism/curve/curve-box.js";
import type { FrameCodec, HandshakeContext, Mechanism } from "../src/zmq/mechanism/mechanism.js";
import { plainMechanism } from "../src/zmq/mechanism/plain.js";

const admitAll: HandshakeContext["zap"] = () => Promise.resolve({ statusCode: "200", statusText: "OK", userId: "" });
const context = (asServer: boolean): HandshakeContext => ({
  metadata: [["Socket-Type", "DEALER"]],
  asServer,
  zap: admitAll,
});
// Loaded first, so that the mechanisms are made at once (not waiting for the module).
const boxes = await loadCurveBoxes();
const serverKeys = boxes.generateKeyPair();

const mechanisms: Array<[string, () => Mechanism]> = [
  ["PLAIN server", () => plainMechanism({ server: true }).create(context(true))],
  [
    "PLAIN client",
    () =>
      plainMechanism({ server: false, credentials: { username: Buffer.from("u"), password: Buffer.from("p") } }).create(
        context(false),
      ),
  ],
  ["CURVE server", () => curveMechanism({ server: true, secretKey: serverKeys.secretKey }).create(context(true))],
  [
    "CURVE client",
    () =>
      curveMechanism({
        server: false,
        secretKey: boxes.generateKeyPair().secretKey,
        serverKey: serverKeys.publicKey,
      }).create(context(false)),
  ],
];

const command = fc.record({
  name: fc.constantFrom("HELLO", "WELCOME", "INITIATE", "READY", "ERROR", "MESSAGE", "PING", "X"),
  data: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.integer({ min: 0, max: 400 }).map((n) => new Uint8Array(n)),
  ),
});

/** What a step does: fine, or a typed error; anything else fails the property. */
async function step(mechanism: Mechanism, c: Command): Promise<"ok" | "refused"> {
  try {
    await mechanism.handle(c);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(ZmqError);
    return "refused";
  }
}

describe("security handshakes under arbitrary input", () => {
  for (const [name, make] of mechanisms) {
    it(`${name}: arbitrary and truncated commands end in a typed error, never another exception`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 5 }), async (commands) => {
          const mechanism = make();
          await mechanism.start();
          for (const c of commands) {
            if ((await step(mechanism, { name: c.name, data: Buffer.from(c.data) })) === "refused") return;
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe("CURVE between two of ours, in memory", () => {
  /** Runs a whole handshake; returns both sides' frame codecs. */
  async function handshake(): Promise<[FrameCodec, FrameCodec]> {
    const server = curveMechanism({ server: true, secretKey: serverKeys.secretKey }).create(context(true));
    const client = curveMechanism({
      server: false,
      secretKey: boxes.generateKeyPair().secretKey,
      serverKey: serverKeys.publicKey,
    }).create(context(false));
    const decode = (body: Buffer): Command => ({
      name: body.toString("latin1", 1, 1 + body[0]!),
      data: body.subarray(1 + body[0]!),
    });
    const [hello] = await client.start();
    const welcome = (await server.handle(decode(hello!))).send[0]!;
    const initiate = (await client.handle(decode(welcome))).send[0]!;
    const ready = (await server.handle(decode(initiate))).send[0]!;
    const done = await client.handle(decode(ready));
    expect(done.peerMetadata?.get("socket-type")?.toString()).toBe("DEALER");
    return [client.framing!()!, server.framing!()!];
  }

  it("boxes frames both ways and refuses a replayed or altered MESSAGE", async () => {
    const [client, server] = await handshake();
    const sealed = client.encode(Buffer.from("secret"), true, false);
    const opened = server.decode(sealed);
    expect([opened.body.toString(), opened.more, opened.command]).toEqual(["secret", true, false]);
    expect(() => server.decode(sealed)).toThrow(ZmqError); // replayed nonce
    const next = client.encode(Buffer.from("x"), false, false);
    next[next.length - 1]! ^= 1;
    expect(() => server.decode(next)).toThrow(ZmqError); // altered
    const back = server.encode(Buffer.from("reply"), false, true);
    expect(client.decode(back)).toMatchObject({ more: false, command: true });
  });
});

/**
 * What the ZMTP fuzz targets (fuzz/targets/zmtp-*.cjs, mechanism-*.cjs, zap-reply.cjs,
 * udp-datagram.cjs) found, one test per finding; each crashing input is kept as a seed
 * (fuzz/corpus/<target>/regression-*).
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { type Command, decodeCommandBody, encodeMetadata } from "../src/zmq/codec/command.js";
import type { ConnectionOwner } from "../src/zmq/engine/connection.js";
import { UdpConnection } from "../src/zmq/engine/udp-connection.js";
import { ProtocolError } from "../src/zmq/errors.js";
import { loadCurveBoxes } from "../src/zmq/mechanism/curve/curve-box.js";
import { curveMechanism } from "../src/zmq/mechanism/curve/curve.js";
import type { HandshakeContext, HandshakeStep } from "../src/zmq/mechanism/mechanism.js";
import type { CarrierHandlers, DatagramCarrier, DatagramPeer } from "../src/zmq/transport/carrier.js";

const boxes = await loadCurveBoxes();
const serverKeys = boxes.generateKeyPair();
const context = (asServer: boolean): HandshakeContext => ({ metadata: [["Socket-Type", "DEALER"]], asServer });
const nonce = (prefix: string, tail: Uint8Array) => Buffer.concat([Buffer.from(prefix, "latin1"), tail]);
const shortNonce = (n: number) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
};
/** A public key of small order: X25519 with it gives no shared key (libsodium refuses it). */
const SMALL_ORDER = new Uint8Array(32);

/** How a step ends: the error it throws or rejects with, or undefined. */
async function failure(step: () => HandshakeStep | Promise<HandshakeStep>): Promise<unknown> {
  try {
    await step();
    return undefined;
  } catch (e) {
    return e;
  }
}

function expectCryptographicRefusal(error: unknown): void {
  expect(error).toBeInstanceOf(ProtocolError);
  expect((error as ProtocolError).code).toBe("EPROTO");
  expect((error as ProtocolError).zmtp).toBe("ERR_ZMTP_CRYPTOGRAPHIC");
}

describe("fuzz regressions: CURVE (mechanism-curve)", () => {
  it("a CURVE server refuses a HELLO whose transient key is of small order with a ProtocolError", async () => {
    const server = curveMechanism({ server: true, secretKey: serverKeys.secretKey }).create(context(true));
    const client = curveMechanism({ server: false, serverKey: serverKeys.publicKey }).create(context(false));
    const hello = decodeCommandBody((await client.start())[0]!);
    const data = Buffer.from(hello.data);
    data.set(SMALL_ORDER, 74);
    expectCryptographicRefusal(await failure(() => server.handle({ name: "HELLO", data })));
  });

  it("a CURVE client refuses a WELCOME whose transient key is of small order with a ProtocolError", async () => {
    const client = curveMechanism({ server: false, serverKey: serverKeys.publicKey }).create(context(false));
    const hello = decodeCommandBody((await client.start())[0]!).data;
    // Sealed as the server would (it alone can): the client's transient key and the server's secret key.
    const helloKey = boxes.boxKey(hello.subarray(74, 106), serverKeys.secretKey);
    const welcomeNonce = Buffer.alloc(16, 1);
    const plaintext = Buffer.concat([SMALL_ORDER, Buffer.alloc(96, 2)]);
    const data = Buffer.concat([welcomeNonce, boxes.seal(helloKey, nonce("WELCOME-", welcomeNonce), plaintext)]);
    expectCryptographicRefusal(await failure(() => client.handle({ name: "WELCOME", data })));
  });

  it("a CURVE server refuses an INITIATE whose client key is of small order with a ProtocolError", async () => {
    const server = curveMechanism({ server: true, secretKey: serverKeys.secretKey }).create(context(true));
    // The client's side by hand, so that its INITIATE can carry any key.
    const transient = boxes.generateKeyPair();
    const helloKey = boxes.boxKey(serverKeys.publicKey, transient.secretKey);
    const one = shortNonce(1);
    const helloData = Buffer.concat([
      Buffer.from([1, 0]),
      Buffer.alloc(72),
      transient.publicKey,
      one,
      boxes.seal(helloKey, nonce("CurveZMQHELLO---", one), new Uint8Array(64)),
    ]);
    const welcome: Command = decodeCommandBody((await server.handle({ name: "HELLO", data: helloData })).send[0]!);
    const opened = boxes.open(helloKey, nonce("WELCOME-", welcome.data.subarray(0, 16)), welcome.data.subarray(16))!;
    const sessionKey = boxes.boxKey(opened.subarray(0, 32), transient.secretKey);
    const two = shortNonce(2);
    const plaintext = Buffer.concat([
      SMALL_ORDER,
      Buffer.alloc(16),
      Buffer.alloc(80),
      encodeMetadata([["Socket-Type", "DEALER"]]),
    ]);
    const data = Buffer.concat([
      opened.subarray(32, 128),
      two,
      boxes.seal(sessionKey, nonce("CurveZMQINITIATE", two), plaintext),
    ]);
    expectCryptographicRefusal(await failure(() => server.handle({ name: "INITIATE", data })));
  });
});

describe("fuzz regressions: udp:// datagrams (udp-datagram)", () => {
  it("DGRAM sends nothing to a dotted address with an octet past 255 (inet_addr refuses it, as libzmq)", async () => {
    const sent: Array<[Uint8Array, DatagramPeer | undefined]> = [];
    const carrier: DatagramCarrier = {
      datagram: true,
      source: undefined,
      remoteAddress: "udp://127.0.0.1:5556",
      start: (_handlers: CarrierHandlers) => {},
      write: () => true,
      send: (datagram, to) => void sent.push([datagram, to]),
      pause: () => {},
      resume: () => {},
      end: () => {},
      destroy: () => {},
    };
    const owner: ConnectionOwner = {
      engineReady: () => {},
      engineMessage: () => {},
      engineSubscription: () => {},
      engineWritable: () => {},
      engineClosed: () => {},
    };
    const connection = new UdpConnection(carrier, owner, true);
    connection.start();
    await Promise.resolve(); // ready once the socket has recorded it
    const body = Buffer.from("x");
    connection.sendMessage([Buffer.from("4.728.728.728:183"), body]);
    connection.sendMessage([Buffer.from("999.1.1.1:80\0"), body]);
    expect(sent).toEqual([]);
    connection.sendMessage([Buffer.from("10.0.0.255:80\0"), body]);
    expect(sent).toEqual([[body, { host: "10.0.0.255", port: 80 }]]);
  });
});

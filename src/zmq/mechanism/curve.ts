import { Buffer } from "node:buffer";
import { type Command, decodeMetadata, encodeCommandBody, encodeMetadata } from "../codec/command.js";
import { ProtocolError } from "../errors.js";
import { type CurveBoxes, type KeyPair, loadCurveBoxes, loadedCurveBoxes, type PrefixedBoxes } from "./curve-box.js";
import type { FrameCodec, HandshakeContext, HandshakeStep, Mechanism, MechanismFactory } from "./mechanism.js";
import { admit, refused } from "./admission.js";

/**
 * CurveZMQ (RFC 26): HELLO, WELCOME (with the server's cookie), INITIATE (with the client's
 * vouch), READY, then every frame in a MESSAGE box. The constructions (nonces, boxes, cookie,
 * vouch) are written here from the RFC; the cryptography is libsodium's, behind curve-box.ts.
 */
export type CurveRole =
  | { server: true; secretKey: Uint8Array }
  | { server: false; secretKey?: Uint8Array; serverKey: Uint8Array };

/**
 * The load of the boxes starts here (a bind or connect that asks for CURVE); a handshake that
 * comes before it is done waits for it. A keyless client makes one pair for the factory's whole
 * life (a session's), as libzmq.
 */
export function curveMechanism(role: CurveRole): MechanismFactory {
  loadCurveBoxes().catch(() => {}); // a failure is reported by the handshake that needs them
  let keys: KeyPair | undefined;
  const keysFor = (boxes: CurveBoxes): KeyPair => {
    keys ??= role.secretKey
      ? { secretKey: role.secretKey, publicKey: boxes.publicKeyOf(role.secretKey) }
      : boxes.generateKeyPair();
    return keys;
  };
  const make = (boxes: CurveBoxes, context: HandshakeContext): Mechanism =>
    role.server
      ? new CurveServer(boxes, context, keysFor(boxes))
      : new CurveClient(boxes, context, keysFor(boxes), role.serverKey);
  return {
    name: "CURVE",
    asServer: () => role.server,
    create: (context) => {
      const boxes = loadedCurveBoxes();
      return boxes ? make(boxes, context) : new AwaitingBoxes((loaded) => make(loaded, context));
    },
  };
}

/** A CURVE handshake whose boxes are still loading: it starts once they are (nothing is read meanwhile). */
class AwaitingBoxes implements Mechanism {
  readonly name = "CURVE";
  private inner: Mechanism | undefined;

  constructor(private readonly make: (boxes: CurveBoxes) => Mechanism) {}

  async start(): Promise<Buffer[]> {
    this.inner = this.make(await loadCurveBoxes());
    return this.inner.start();
  }

  handle(command: Command): HandshakeStep | Promise<HandshakeStep> {
    return this.inner!.handle(command);
  }

  framing(): FrameCodec | undefined {
    return this.inner?.framing?.();
  }
}

const ZEROS_64 = new Uint8Array(64);
const MORE = 1;
const COMMAND = 2;

function nonce(prefix: string, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(Buffer.from(prefix, "latin1"));
  out.set(tail, prefix.length);
  return out;
}

const TWO_32 = 0x1_0000_0000;

/** A short nonce (8 octets, big-endian); counters stay below 2^53, so numbers, not BigInts. */
function writeShortNonce(view: DataView, n: number): void {
  view.setUint32(0, Math.floor(n / TWO_32));
  view.setUint32(4, n >>> 0);
}

function shortNonce(n: number): Uint8Array {
  const out = new Uint8Array(8);
  writeShortNonce(new DataView(out.buffer), n);
  return out;
}

function readShortNonce(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(0) * TWO_32 + view.getUint32(4);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

const MESSAGE_HEADER = Buffer.from("\x07MESSAGE", "latin1");
const MESSAGE_HEADER_WITH_ROOM = Buffer.concat([MESSAGE_HEADER, Buffer.alloc(8)]);

function isMessage(frame: Uint8Array): boolean {
  for (let i = 0; i < 8; i++) if (frame[i] !== MESSAGE_HEADER[i]) return false;
  return true;
}

function malformed(what: "MESSAGE" | "WELCOME" | "READY" | "HELLO" | "INITIATE"): ProtocolError {
  return new ProtocolError("EPROTO", `malformed CURVE ${what}`, `ERR_ZMTP_MALFORMED_COMMAND_${what}`);
}

/** MESSAGE boxes both ways, once the handshake is done; short nonces must keep increasing. */
class MessageBoxes implements FrameCodec {
  private readonly sending: PrefixedBoxes;
  private readonly receiving: PrefixedBoxes;
  // Reused for every message: the short nonce we send.
  private readonly sendTail = new Uint8Array(8);
  private readonly sendTailView = new DataView(this.sendTail.buffer);
  /** MESSAGE's name, then the short nonce: what goes before each box. */
  private readonly sendHead = Uint8Array.from(MESSAGE_HEADER_WITH_ROOM);

  constructor(
    boxes: CurveBoxes,
    key: Uint8Array,
    sendPrefix: string,
    receivePrefix: string,
    private sendNonce: number,
    private receivedNonce: number,
  ) {
    this.sending = boxes.prefixed(key, Buffer.from(sendPrefix, "latin1"));
    this.receiving = boxes.prefixed(key, Buffer.from(receivePrefix, "latin1"));
  }

  encode(body: Uint8Array, more: boolean, command: boolean): Uint8Array {
    writeShortNonce(this.sendTailView, ++this.sendNonce);
    this.sendHead.set(this.sendTail, 8);
    return this.sending.sealMessage(this.sendTail, this.sendHead, (more ? MORE : 0) | (command ? COMMAND : 0), body);
  }

  decode(frame: Uint8Array): { body: Buffer; more: boolean; command: boolean } {
    if (frame.length < 8 + 8 + 17 || !isMessage(frame)) throw malformed("MESSAGE");
    const tail = frame.subarray(8, 16);
    const value = readShortNonce(tail);
    if (value <= this.receivedNonce)
      throw new ProtocolError("EPROTO", "CURVE MESSAGE nonce replayed or out of order", "ERR_ZMTP_INVALID_SEQUENCE");
    const payload = this.receiving.open(tail, frame.subarray(16));
    if (!payload || payload.length < 1)
      throw new ProtocolError("EPROTO", "CURVE MESSAGE box does not open", "ERR_ZMTP_CRYPTOGRAPHIC");
    this.receivedNonce = value;
    const flags = payload[0]!;
    return {
      body: Buffer.from(payload.buffer, payload.byteOffset + 1, payload.length - 1),
      more: (flags & MORE) !== 0,
      command: (flags & COMMAND) !== 0,
    };
  }
}

class CurveClient implements Mechanism {
  readonly name = "CURVE";
  private readonly transient: KeyPair;
  private nonce = 0;
  private state: "welcome" | "ready" = "welcome";
  private serverTransient: Uint8Array | undefined;
  /** Each shared key is computed once (an X25519 each): HELLO's and WELCOME's, then the session's. */
  private readonly helloKey: Uint8Array;
  private sessionKey: Uint8Array | undefined;
  private codec: MessageBoxes | undefined;

  constructor(
    private readonly boxes: CurveBoxes,
    private readonly context: HandshakeContext,
    private readonly keys: KeyPair,
    private readonly serverKey: Uint8Array,
  ) {
    this.transient = boxes.generateKeyPair();
    this.helloKey = boxes.boxKey(serverKey, this.transient.secretKey);
  }

  start(): Buffer[] {
    const n = shortNonce(++this.nonce);
    const box = this.boxes.seal(this.helloKey, nonce("CurveZMQHELLO---", n), ZEROS_64);
    const data = concat(new Uint8Array([1, 0]), new Uint8Array(72), this.transient.publicKey, n, box);
    return [encodeCommandBody("HELLO", data)];
  }

  handle(command: Command): HandshakeStep {
    if (command.name === "ERROR") throw refused(command.data, "CURVE");
    if (this.state === "welcome" && command.name === "WELCOME") return this.welcome(command.data);
    if (this.state === "ready" && command.name === "READY") return this.ready(command.data);
    throw new ProtocolError(
      "EPROTO",
      `unexpected ${command.name} command in the CURVE handshake`,
      "ERR_ZMTP_UNEXPECTED_COMMAND",
    );
  }

  framing(): FrameCodec {
    return this.codec!;
  }

  private welcome(data: Buffer): HandshakeStep {
    if (data.length !== 16 + 144) throw malformed("WELCOME");
    const opened = this.boxes.open(this.helloKey, nonce("WELCOME-", data.subarray(0, 16)), data.subarray(16));
    if (!opened)
      throw new ProtocolError("EPROTO", "CURVE WELCOME box does not open: wrong server key?", "ERR_ZMTP_CRYPTOGRAPHIC");
    this.serverTransient = opened.subarray(0, 32);
    const cookie = opened.subarray(32, 128);
    const vouchNonce = randomOctets(16);
    const vouch = concat(
      vouchNonce,
      this.boxes.seal(
        this.boxes.boxKey(this.serverTransient, this.keys.secretKey),
        nonce("VOUCH---", vouchNonce),
        concat(this.transient.publicKey, this.serverKey),
      ),
    );
    const n = shortNonce(++this.nonce);
    this.sessionKey = this.boxes.boxKey(this.serverTransient, this.transient.secretKey);
    const box = this.boxes.seal(
      this.sessionKey,
      nonce("CurveZMQINITIATE", n),
      concat(this.keys.publicKey, vouch, encodeMetadata(this.context.metadata)),
    );
    this.state = "ready";
    return { send: [encodeCommandBody("INITIATE", concat(cookie, n, box))] };
  }

  private ready(data: Buffer): HandshakeStep {
    if (data.length < 8 + 16) throw malformed("READY");
    const key = this.sessionKey!;
    const n = data.subarray(0, 8);
    const metadata = this.boxes.open(key, nonce("CurveZMQREADY---", n), data.subarray(8));
    if (!metadata) throw new ProtocolError("EPROTO", "CURVE READY box does not open", "ERR_ZMTP_CRYPTOGRAPHIC");
    this.codec = new MessageBoxes(
      this.boxes,
      key,
      "CurveZMQMESSAGEC",
      "CurveZMQMESSAGES",
      this.nonce,
      readShortNonce(n),
    );
    return { send: [], peerMetadata: decodeMetadata(Buffer.from(metadata)) };
  }
}

class CurveServer implements Mechanism {
  readonly name = "CURVE";
  private state: "hello" | "initiate" = "hello";
  private readonly cookieKey = randomOctets(32);
  private clientTransient: Uint8Array | undefined;
  private clientNonce = 0;
  /** The key of the client's transient and our permanent key: HELLO's, then WELCOME's. */
  private helloKey: Uint8Array = new Uint8Array(0);
  private codec: MessageBoxes | undefined;

  constructor(
    private readonly boxes: CurveBoxes,
    private readonly context: HandshakeContext,
    private readonly keys: KeyPair,
  ) {}

  start(): Buffer[] {
    return [];
  }

  handle(command: Command): HandshakeStep | Promise<HandshakeStep> {
    if (command.name === "ERROR") throw refused(command.data, "CURVE");
    if (this.state === "hello" && command.name === "HELLO") return this.hello(command.data);
    if (this.state === "initiate" && command.name === "INITIATE") return this.initiate(command.data);
    throw new ProtocolError(
      "EPROTO",
      `unexpected ${command.name} command in the CURVE handshake`,
      "ERR_ZMTP_UNEXPECTED_COMMAND",
    );
  }

  framing(): FrameCodec {
    return this.codec!;
  }

  private hello(data: Buffer): HandshakeStep {
    if (data.length !== 194) throw malformed("HELLO");
    if (data[0] !== 1 || data[1] !== 0)
      throw new ProtocolError("EPROTO", "CURVE HELLO of another version than 1.0", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    const clientTransient = data.subarray(74, 106);
    const n = data.subarray(106, 114);
    this.helloKey = this.boxes.boxKey(clientTransient, this.keys.secretKey);
    const signature = this.boxes.open(this.helloKey, nonce("CurveZMQHELLO---", n), data.subarray(114));
    if (!signature?.every((b) => b === 0)) {
      throw new ProtocolError(
        "EPROTO",
        "CURVE HELLO box does not open: the client has another server key",
        "ERR_ZMTP_CRYPTOGRAPHIC",
      );
    }
    this.clientTransient = Uint8Array.from(clientTransient);
    this.clientNonce = readShortNonce(n);
    // Our transient key lives only in the cookie, which only we can open.
    const transient = this.boxes.generateKeyPair();
    const cookieNonce = randomOctets(16);
    const cookie = concat(
      cookieNonce,
      this.boxes.seal(
        this.cookieKey,
        nonce("COOKIE--", cookieNonce),
        concat(this.clientTransient, transient.secretKey),
      ),
    );
    const welcomeNonce = randomOctets(16);
    const box = this.boxes.seal(this.helloKey, nonce("WELCOME-", welcomeNonce), concat(transient.publicKey, cookie));
    this.state = "initiate";
    return { send: [encodeCommandBody("WELCOME", concat(welcomeNonce, box))] };
  }

  private initiate(data: Buffer): Promise<HandshakeStep> | HandshakeStep {
    if (data.length < 96 + 8 + 144) throw malformed("INITIATE");
    const cookie = this.boxes.open(this.cookieKey, nonce("COOKIE--", data.subarray(0, 16)), data.subarray(16, 96));
    if (!cookie || !Buffer.from(cookie.subarray(0, 32)).equals(this.clientTransient!)) {
      throw new ProtocolError("EPROTO", "CURVE INITIATE with a cookie that is not ours", "ERR_ZMTP_CRYPTOGRAPHIC");
    }
    const transientSecret = cookie.subarray(32, 64);
    const key = this.boxes.boxKey(this.clientTransient!, transientSecret);
    const n = data.subarray(96, 104);
    const value = readShortNonce(n);
    if (value <= this.clientNonce)
      throw new ProtocolError("EPROTO", "CURVE INITIATE nonce replayed", "ERR_ZMTP_INVALID_SEQUENCE");
    const opened = this.boxes.open(key, nonce("CurveZMQINITIATE", n), data.subarray(104));
    if (!opened || opened.length < 32 + 96)
      throw new ProtocolError("EPROTO", "CURVE INITIATE box does not open", "ERR_ZMTP_CRYPTOGRAPHIC");
    const clientKey = opened.subarray(0, 32);
    const vouch = this.boxes.open(
      this.boxes.boxKey(clientKey, transientSecret),
      nonce("VOUCH---", opened.subarray(32, 48)),
      opened.subarray(48, 128),
    );
    if (
      !vouch ||
      !Buffer.from(vouch.subarray(0, 32)).equals(this.clientTransient!) ||
      !Buffer.from(vouch.subarray(32, 64)).equals(this.keys.publicKey)
    ) {
      throw new ProtocolError("EPROTO", "CURVE INITIATE with a vouch that does not hold", "ERR_ZMTP_KEY_EXCHANGE");
    }
    const peerMetadata = decodeMetadata(Buffer.from(opened.subarray(128)));
    const ready = (): HandshakeStep => {
      const readyNonce = shortNonce(1);
      const box = this.boxes.seal(key, nonce("CurveZMQREADY---", readyNonce), encodeMetadata(this.context.metadata));
      this.codec = new MessageBoxes(this.boxes, key, "CurveZMQMESSAGES", "CurveZMQMESSAGEC", 1, value);
      return { send: [encodeCommandBody("READY", concat(readyNonce, box))], peerMetadata };
    };
    // A ZAP handler, when there is one, decides on the client's permanent key; without one,
    // libzmq's CURVE server admits every client that knows its key (unless zapEnforceDomain).
    return admit(this.context, "CURVE", [Uint8Array.from(clientKey)]).then(ready);
  }
}

/** Fresh random octets from the web-standard CSPRNG (Node, Bun, Deno and browsers alike). */
function randomOctets(n: number): Buffer {
  const bytes = Buffer.allocUnsafe(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

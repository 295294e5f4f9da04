import { Buffer } from "node:buffer";
import { type Command, decodeMetadata, encodeCommandBody, encodeMetadata } from "../../codec/command.js";
import { ProtocolError } from "../../errors.js";
import { type CurveBoxes, type KeyPair, loadCurveBoxes, loadedCurveBoxes } from "./curve-box.js";
import { MessageBoxes } from "./curve-messages.js";
import { concat, malformed, nonce, readShortNonce, shortNonce } from "./curve-nonce.js";
import { type CurveWorkers, curvePool } from "./curve-pool.js";
import type { FrameCodec, HandshakeContext, HandshakeStep, Mechanism, MechanismFactory } from "../mechanism.js";
import { admit, refused } from "../admission.js";
import { randomOctets, secretOctets } from "../../util/random-octets.js";

const NO_WORKERS: CurveWorkers = { threads: 0 };

/**
 * CurveZMQ (RFC 26): HELLO, WELCOME (with the server's cookie), INITIATE (with the client's
 * vouch), READY, then every frame in a MESSAGE box. The constructions (nonces, boxes, cookie,
 * vouch) are written here from the RFC; the cryptography is libsodium's, behind curve-box.ts.
 */
export type CurveRole = (
  | { server: true; secretKey: Uint8Array }
  | { server: false; secretKey?: Uint8Array; publicKey?: Uint8Array; serverKey: Uint8Array }
) & {
  /** Worker threads for large MESSAGE boxes (curve-pool.ts); absent: none. */
  workers?: CurveWorkers;
};

/**
 * The load of the boxes starts here (a bind or connect that asks for CURVE); a handshake that
 * comes before it is done waits for it. A keyless client makes one pair for the factory's whole
 * life (a session's), as libzmq.
 */
export function curveMechanism(role: CurveRole): MechanismFactory {
  loadCurveBoxes().catch(() => {}); // a failure is reported by the handshake that needs them
  let keys: KeyPair | undefined;
  // A client's public key goes in its INITIATE as given (libzmq's curve_public_key), even when
  // it is not its secret key's: the server then refuses the vouch, as libzmq's does.
  const given = role.server ? undefined : role.publicKey;
  const keysFor = (boxes: CurveBoxes): KeyPair => {
    keys ??= role.secretKey
      ? { secretKey: role.secretKey, publicKey: given ?? boxes.publicKeyOf(role.secretKey) }
      : { ...boxes.generateKeyPair(), ...(given ? { publicKey: given } : {}) };
    return keys;
  };
  // A client's first HELLO is prepared while its connection is being made (the transient key
  // and its agreement with the server's key, two scalar multiplications), after connect() has
  // returned: a handshake waits for the network and the server then, not for them. Later
  // connections of the session prepare theirs when they start.
  let prepared: ClientStart | undefined;
  if (!role.server) {
    const serverKey = role.serverKey;
    queueMicrotask(() => {
      const boxes = loadedCurveBoxes();
      try {
        if (boxes && !prepared) prepared = clientStart(boxes, serverKey);
      } catch {
        // A server key of small order: the handshake, making its own, reports it.
      }
    });
  }
  const make = (boxes: CurveBoxes, context: HandshakeContext): Mechanism => {
    if (role.server) return new CurveServer(boxes, context, keysFor(boxes), role.workers ?? NO_WORKERS);
    const start = prepared ?? clientStart(boxes, role.serverKey);
    prepared = undefined;
    return new CurveClient(boxes, context, keysFor(boxes), role.workers ?? NO_WORKERS, role.serverKey, start);
  };
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

/** What a client's HELLO needs: its transient key pair, and the key it shares with the server's. */
interface ClientStart {
  transient: KeyPair;
  helloKey: Uint8Array;
}

function clientStart(boxes: CurveBoxes, serverKey: Uint8Array): ClientStart {
  const transient = boxes.generateKeyPair();
  return { transient, helloKey: peerBoxKey(boxes, serverKey, transient.secretKey, "server key") };
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
    private readonly workers: CurveWorkers,
    private readonly serverKey: Uint8Array,
    { transient, helloKey }: ClientStart,
  ) {
    this.transient = transient;
    this.helloKey = helloKey;
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
    throw unexpected(command.name);
  }

  framing(): FrameCodec {
    return this.codec!;
  }

  private welcome(data: Buffer): HandshakeStep {
    if (data.length !== 16 + 144) throw malformed("WELCOME");
    const opened = this.boxes.open(this.helloKey, nonce("WELCOME-", data.subarray(0, 16)), data.subarray(16));
    if (!opened)
      throw new ProtocolError("EPROTO", "CURVE WELCOME box does not open: wrong server key?", "ERR_ZMTP_CRYPTOGRAPHIC");
    const vouchKey = peerBoxKey(this.boxes, opened.subarray(0, 32), this.keys.secretKey, "WELCOME");
    this.serverTransient = opened.subarray(0, 32);
    const cookie = opened.subarray(32, 128);
    const vouchNonce = randomOctets(16);
    const vouch = concat(
      vouchNonce,
      this.boxes.seal(vouchKey, nonce("VOUCH---", vouchNonce), concat(this.transient.publicKey, this.serverKey)),
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
      curvePool(this.workers, this.boxes),
    );
    return { send: [], peerMetadata: decodeMetadata(Buffer.from(metadata)) };
  }
}

class CurveServer implements Mechanism {
  readonly name = "CURVE";
  private state: "hello" | "initiate" = "hello";
  private readonly cookieKey = secretOctets(32);
  private clientTransient: Uint8Array | undefined;
  private clientNonce = 0;
  /** The key of the client's transient and our permanent key: HELLO's, then WELCOME's. */
  private helloKey: Uint8Array = new Uint8Array(0);
  /** Our transient key pair, made before the HELLO comes (start()). */
  private transient: KeyPair | undefined;
  /** Our transient secret key as made (the cookie holds a copy). */
  private transientSecret: Uint8Array | undefined;
  private codec: MessageBoxes | undefined;

  constructor(
    private readonly boxes: CurveBoxes,
    private readonly context: HandshakeContext,
    private readonly keys: KeyPair,
    private readonly workers: CurveWorkers,
  ) {}

  start(): Buffer[] {
    // Our transient key pair is made while the client makes its HELLO (this side would wait
    // for it), unless the HELLO has come with the greeting. Nothing thrown here may escape (a
    // microtask's exception ends the process): hello() then makes the pair and reports.
    queueMicrotask(() => {
      try {
        if (this.state === "hello") this.transient ??= this.boxes.generateKeyPair();
      } catch {}
    });
    return [];
  }

  handle(command: Command): HandshakeStep | Promise<HandshakeStep> {
    if (command.name === "ERROR") throw refused(command.data, "CURVE");
    if (this.state === "hello" && command.name === "HELLO") return this.hello(command.data);
    if (this.state === "initiate" && command.name === "INITIATE") return this.initiate(command.data);
    throw unexpected(command.name);
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
    this.helloKey = peerBoxKey(this.boxes, clientTransient, this.keys.secretKey, "HELLO");
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
    // Our transient key travels in the cookie, which only we can open (the RFC's stateless
    // server); the key made here is also kept, so that the key agreement reuses its form.
    const transient = this.transient ?? this.boxes.generateKeyPair();
    this.transient = undefined;
    this.transientSecret = transient.secretKey;
    const cookieNonce = randomOctets(16);
    const inCookie = concat(this.clientTransient, transient.secretKey);
    const cookie = concat(cookieNonce, this.boxes.seal(this.cookieKey, nonce("COOKIE--", cookieNonce), inCookie));
    inCookie.fill(0);
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
    const fromCookie = cookie.subarray(32, 64);
    const kept = this.transientSecret;
    const transientSecret =
      kept && Buffer.from(fromCookie.buffer, fromCookie.byteOffset, 32).equals(kept) ? kept : fromCookie;
    const key = this.boxes.boxKey(this.clientTransient!, transientSecret);
    // Used once: kept no longer than needed (forward secrecy), the cookie's copy with it.
    this.transientSecret = undefined;
    fromCookie.fill(0);
    const n = data.subarray(96, 104);
    const value = readShortNonce(n);
    if (value <= this.clientNonce)
      throw new ProtocolError("EPROTO", "CURVE INITIATE nonce replayed", "ERR_ZMTP_INVALID_SEQUENCE");
    const opened = this.boxes.open(key, nonce("CurveZMQINITIATE", n), data.subarray(104));
    if (!opened || opened.length < 32 + 96)
      throw new ProtocolError("EPROTO", "CURVE INITIATE box does not open", "ERR_ZMTP_CRYPTOGRAPHIC");
    const clientKey = opened.subarray(0, 32);
    const vouch = this.boxes.open(
      peerBoxKey(this.boxes, clientKey, transientSecret, "INITIATE"),
      nonce("VOUCH---", opened.subarray(32, 48)),
      opened.subarray(48, 128),
    );
    if (!vouch) {
      // As libzmq: a vouch that does not open is a cryptographic failure (a client whose public
      // key is not its secret key's), one that opens to other keys a failed key exchange.
      throw new ProtocolError(
        "EPROTO",
        "CURVE INITIATE with a vouch that does not open: the client's public key is not its secret key's?",
        "ERR_ZMTP_CRYPTOGRAPHIC",
      );
    }
    if (
      !Buffer.from(vouch.subarray(0, 32)).equals(this.clientTransient!) ||
      !Buffer.from(vouch.subarray(32, 64)).equals(this.keys.publicKey)
    ) {
      throw new ProtocolError("EPROTO", "CURVE INITIATE with a vouch that does not hold", "ERR_ZMTP_KEY_EXCHANGE");
    }
    const peerMetadata = decodeMetadata(Buffer.from(opened.subarray(128)));
    const ready = (): HandshakeStep => {
      const readyNonce = shortNonce(1);
      const box = this.boxes.seal(key, nonce("CurveZMQREADY---", readyNonce), encodeMetadata(this.context.metadata));
      this.codec = new MessageBoxes(
        this.boxes,
        key,
        "CurveZMQMESSAGES",
        "CurveZMQMESSAGEC",
        1,
        value,
        curvePool(this.workers, this.boxes),
      );
      return { send: [encodeCommandBody("READY", concat(readyNonce, box))], peerMetadata };
    };
    // A ZAP handler, when there is one, decides on the client's permanent key; without one,
    // libzmq's CURVE server admits every client that knows its key (unless zapEnforceDomain).
    return admit(this.context, "CURVE", [Uint8Array.from(clientKey)]).then(ready);
  }
}

/**
 * The key shared with a public key the peer sent (HELLO's and WELCOME's transient keys,
 * INITIATE's permanent one) or a client was given (the server's). A key of small order (all
 * zeros, say) makes none, and libsodium refuses it with a plain Error: a cryptographic failure
 * of the handshake, as libzmq reports it.
 */
function peerBoxKey(boxes: CurveBoxes, theirs: Uint8Array, ours: Uint8Array, source: string): Uint8Array {
  try {
    return boxes.boxKey(theirs, ours);
  } catch {
    const what = source === "server key" ? "CURVE server key (curveServerKey)" : `CURVE ${source} with a public key`;
    throw new ProtocolError("EPROTO", `${what} of small order`, "ERR_ZMTP_CRYPTOGRAPHIC");
  }
}

/** A command the CURVE handshake does not expect now. */
function unexpected(name: string): ProtocolError {
  return new ProtocolError(
    "EPROTO",
    `unexpected ${name} command in the CURVE handshake`,
    "ERR_ZMTP_UNEXPECTED_COMMAND",
  );
}

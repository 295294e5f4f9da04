// The CURVE security mechanism (src/zmq/mechanism/curve/curve.ts, its MESSAGE boxes in
// curve-messages.ts, nonces in curve-nonce.ts, libsodium behind curve-sodium.ts), as server and
// as client. Random octets never open a box, so the fuzzer plays the peer AFTER real first steps:
//   mode 0: a real client and the server under test; one of the client's commands (HELLO,
//           INITIATE, or the first MESSAGE) is changed at positions the input chooses, or
//           HELLO's transient key replaced by 32 octets of the input;
//   mode 1: a real server and the client under test; WELCOME, READY or a MESSAGE changed so;
//   mode 2: the harness is the client (its own keys) and seals an INITIATE whose plaintext comes
//           from the input: a real vouch or one with other contents, a client key from the
//           input, raw plaintext; metadata from the input; a short nonce from the input; then
//           MESSAGEs as in mode 4;
//   mode 3: the harness is the server (it knows the server's secret key) and seals a WELCOME
//           (real transient key, or plaintext from the input) and a READY (metadata and nonce
//           from the input, the right or a wrong nonce prefix); then MESSAGEs as in mode 5;
//   mode 6 (first octet 0xf0 and up): a command of any name and of data from the input, to a
//           fresh server or client (with or without keys of its own), or after one real step;
//   mode 4/5: MESSAGE boxes as the server / client makes them (MessageBoxes, under a key shared
//           as a handshake shares it), fed MESSAGEs the harness seals with the flags, body and
//           short nonce the input gives (next, replayed, skipped ahead, any), sealed under the
//           wrong direction's prefix, tampered with, empty; and our own boxes opened back.
// Invariants:
//   - handle(), start() and decode() throw or reject only with ZmqErrors;
//   - the mechanism refuses (ZmqError) or advances: a changed command is refused, but for the
//     padding of HELLO, which no box covers; an unchanged one advances;
//   - no box is accepted under a wrong nonce: INITIATE's must exceed HELLO's, each MESSAGE's the
//     last accepted one (compared as 64-bit numbers), and a box sealed for the other direction
//     (its nonce prefix) never opens; a good box with a fresh nonce (below 2^53) is accepted;
//   - what opens is what was sealed: the peer's metadata, a MESSAGE's flags and body;
//   - what we send is CurveZMQ: HELLO (version, padding, a signature box of zeros), INITIATE
//     (our cookie back, nonce 2, our key, a vouch that opens to our transient and the server's
//     key, our metadata), READY (our metadata), MESSAGE boxes with increasing nonces.
const { Buffer, Cursor, invariant, load } = require("./_lib.cjs");

const { curveMechanism } = load("zmq/mechanism/curve/curve.js");
const { loadCurveBoxes } = load("zmq/mechanism/curve/curve-box.js");
const { MessageBoxes } = load("zmq/mechanism/curve/curve-messages.js");
const command = load("zmq/codec/command.js");
const { SOCKET_TYPES } = load("zmq/engine/socket-types.js");
const { ZmqError } = load("zmq/errors.js");

exports.settings = {
  includes: ["dist/cjs/zmq/mechanism/curve", "dist/cjs/zmq/mechanism/admission", "dist/cjs/zmq/codec/command"],
  sync: false,
  timeoutMs: 5000,
  maxLength: 1024,
};

const P = (text) => Buffer.from(text, "latin1");
const concat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
const nonce24 = (prefix, tail) => concat(P(prefix), tail);
const TWO_53 = 2n ** 53n;
function short(value) {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt.asUintN(64, value));
  return out;
}
/** `n` octets: the input's, then zeros. */
const pad = (bytes, n) => concat(bytes, Buffer.alloc(Math.max(0, n - bytes.length))).subarray(0, n);

/** Keys and steps made once: permanent keys of both sides, the harness's transient keys. */
let world;
const ready = loadCurveBoxes().then((boxes) => {
  const pair = () => {
    const { publicKey, secretKey } = boxes.generateKeyPair();
    return { publicKey: Buffer.from(publicKey), secretKey: Buffer.from(secretKey) };
  };
  const server = pair();
  const client = pair();
  const clientTransient = pair();
  const serverTransient = pair();
  const helloKey = boxes.boxKey(server.publicKey, clientTransient.secretKey);
  const helloNonce = short(1n);
  world = {
    boxes,
    server,
    client,
    clientTransient,
    serverTransient,
    serverFactory: curveMechanism({ server: true, secretKey: server.secretKey }),
    clientFactory: curveMechanism({ server: false, secretKey: client.secretKey, serverKey: server.publicKey }),
    keylessFactory: curveMechanism({ server: false, serverKey: server.publicKey }),
    // The harness client's HELLO (its transient key is fixed), and the key of its WELCOME.
    helloKey,
    hello: concat(
      Buffer.from([1, 0]),
      Buffer.alloc(72),
      clientTransient.publicKey,
      helloNonce,
      boxes.seal(helloKey, nonce24("CurveZMQHELLO---", helloNonce), new Uint8Array(64)),
    ),
    // The harness server's: the key that opens the real client's vouch, and a cookie.
    vouchKey: boxes.boxKey(client.publicKey, serverTransient.secretKey),
    cookie: Buffer.alloc(96, 0xc0),
    // MESSAGE boxes of modes 4 and 5: the key a client and a server with these transient keys share.
    messageKey: boxes.boxKey(serverTransient.publicKey, clientTransient.secretKey),
  };
  return world;
});

const context = (asServer) => ({
  metadata: [["Socket-Type", "DEALER"]],
  asServer,
  zapDomain: "",
  zapEnforceDomain: false,
  peerAddress: "",
});

function checkError(e) {
  invariant(e instanceof ZmqError, `a CURVE step failed with a non-ZmqError: ${e?.stack ?? e}`);
  return { error: e };
}

async function attempt(step) {
  try {
    return { value: await step() };
  } catch (e) {
    return checkError(e);
  }
}

function attemptSync(step) {
  try {
    return { value: step() };
  } catch (e) {
    return checkError(e);
  }
}

function readable(metadata) {
  try {
    return command.decodeMetadata(Buffer.from(metadata));
  } catch {
    return undefined;
  }
}

function sameMetadata(a, b) {
  if (!a || !b || a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.get(k)?.equals(v)) return false;
  return true;
}

/** Metadata from the input: properties (a Socket-Type, perhaps an Identity), or raw octets. */
function metadataFrom(input) {
  const kind = input.byte();
  if (kind & 0x80) return Buffer.from(input.field());
  const props = [["Socket-Type", SOCKET_TYPES[kind % SOCKET_TYPES.length].type]];
  if (kind & 0x40) props.push(["Identity", input.field()]);
  return command.encodeMetadata(props);
}

/** Changes the input chooses: up to three octets flipped, perhaps a cut or an extension. */
function mutationFrom(input) {
  const flips = [];
  for (let i = input.byte() % 4; i > 0; i--) flips.push([input.byte() * 256 + input.byte(), input.byte()]);
  const resize = input.byte();
  const extra = resize >= 0xe0 && resize < 0xf0 ? Buffer.from(input.bytes((resize & 0xf) + 1)) : undefined;
  return (original) => {
    let out = Buffer.from(original);
    for (const [at, xor] of flips) if (out.length > 0) out[at % out.length] ^= xor;
    if (resize >= 0xf0) out = out.subarray(0, Math.max(0, out.length - (resize & 0xf) - 1));
    if (extra) out = concat(out, extra);
    return out;
  };
}

/** A command body of ours, as the engine reads it. */
function ourCommand(body, name) {
  const c = command.decodeCommandBody(Buffer.from(body));
  invariant(c.name === name, `we send ${name}, not ${c.name}`);
  return c;
}

/** The checks on HELLO that the harness server reads from the client under test. */
function checkHello(hello) {
  invariant(hello.data.length === 194 && hello.data[0] === 1 && hello.data[1] === 0, "HELLO: 194 octets, 1.0");
  invariant(
    hello.data.subarray(2, 74).every((b) => b === 0),
    "HELLO's padding is zeros",
  );
}

exports.fuzz = async (data) => {
  const w = world ?? (await ready);
  const input = new Cursor(data);
  const selector = input.byte();
  if (selector >= 0xf0) return anyCommands(w, input);
  switch (selector % 6) {
    case 0:
      return changeForServer(w, input);
    case 1:
      return changeForClient(w, input);
    case 2:
      return harnessClient(w, input);
    case 3:
      return harnessServer(w, input);
    case 4:
      return messages(w, input, true);
    default:
      return messages(w, input, false);
  }
};

/** Mode 6: commands of any name and data (ERROR, out of turn, too short), at any step. */
async function anyCommands(w, input) {
  const how = input.byte();
  const server = w.serverFactory.create(context(true));
  const factory = how & 2 ? w.keylessFactory : w.clientFactory;
  const client = factory.create(context(false));
  await server.start();
  const hello = ourCommand((await client.start())[0], "HELLO");
  const underTest = how & 1 ? server : client;
  if (how & 4) {
    // One real step first: the server has had HELLO, the client WELCOME.
    const welcome = ourCommand((await server.handle(hello)).send[0], "WELCOME");
    if (underTest === client) await client.handle(welcome);
  }
  const names = ["HELLO", "WELCOME", "INITIATE", "READY", "ERROR", "MESSAGE", "PING", "hello"];
  const name = names[input.byte() % names.length];
  const data = Buffer.from(input.bytes(input.byte() * 2));
  const step = await attempt(() => underTest.handle({ name, data }));
  // Such data opens no box, and ERROR always refuses (a ZAP status in it, as EACCES).
  invariant(step.error, `${name} of ${data.length} octets of the input is refused`);
  if (name === "ERROR") {
    const reason = command.decodeErrorReason(data);
    invariant(/^[345]\d\d$/.test(reason) === (step.error.code === "EACCES"), "a ZAP status refuses as EACCES");
  }
}

/** Mode 0: real client, server under test; one of the client's commands changed. */
async function changeForServer(w, input) {
  const target = input.byte() % 4;
  const change = mutationFrom(input);
  const server = w.serverFactory.create(context(true));
  const client = w.clientFactory.create(context(false));
  invariant((await server.start()).length === 0, "a CURVE server waits for HELLO");
  const hello = ourCommand((await client.start())[0], "HELLO");
  checkHello(hello);
  if (target === 3) {
    // HELLO with a transient key of the input's: no one but its owner can seal HELLO's box for
    // it, and some (those of small order) make no shared key at all.
    const key = pad(input.bytes(32), 32);
    const data = concat(hello.data.subarray(0, 74), key, hello.data.subarray(106));
    const step = await attempt(() => server.handle({ name: "HELLO", data }));
    invariant(!step.error === key.equals(hello.data.subarray(74, 106)), "a HELLO of another key is refused");
    return;
  }
  const helloData = target === 0 ? change(hello.data) : hello.data;
  const s1 = await attempt(() => server.handle({ name: "HELLO", data: helloData }));
  if (target === 0) {
    // Only the padding (octets 2 to 73) is outside every box.
    let covered = helloData.length !== hello.data.length;
    for (let i = 0; i < helloData.length && !covered; i++) {
      if (helloData[i] !== hello.data[i] && (i < 2 || i >= 74)) covered = true;
    }
    invariant(
      !s1.error === !covered,
      `a HELLO ${covered ? "changed" : "unchanged"} is ${s1.error ? "refused" : "taken"}`,
    );
    return;
  }
  invariant(!s1.error, "a real HELLO is taken");
  const welcome = ourCommand(s1.value.send[0], "WELCOME");
  const c1 = await attempt(() => client.handle(welcome));
  invariant(!c1.error, "a real WELCOME is taken");
  const initiate = ourCommand(c1.value.send[0], "INITIATE");
  const initiateData = target === 1 ? change(initiate.data) : initiate.data;
  const s2 = await attempt(() => server.handle({ name: "INITIATE", data: initiateData }));
  const changed = !initiateData.equals(initiate.data);
  invariant(!s2.error === !changed, `an INITIATE ${changed ? "changed" : "unchanged"} is refused or taken`);
  if (s2.error) return;
  invariant(s2.value.peerMetadata?.get("socket-type")?.toString() === "DEALER", "the client's metadata");
  const readyCommand = ourCommand(s2.value.send[0], "READY");
  const c2 = await attempt(() => client.handle(readyCommand));
  invariant(!c2.error && c2.value.peerMetadata?.get("socket-type")?.toString() === "DEALER", "the server's READY");
  const body = input.field();
  const frame = client.framing().encode(body, true, false);
  const changedFrame = change(frame);
  const opened = attemptSync(() => server.framing().decode(changedFrame));
  const frameChanged = !changedFrame.equals(Buffer.from(frame));
  invariant(!opened.error === !frameChanged, "a MESSAGE changed is refused, unchanged is taken");
  if (!opened.error) invariant(opened.value.body.equals(body) && opened.value.more, "the MESSAGE as sealed");
}

/** Mode 1: real server, client under test; WELCOME, READY or a MESSAGE changed. */
async function changeForClient(w, input) {
  const target = input.byte() % 3;
  const change = mutationFrom(input);
  const server = w.serverFactory.create(context(true));
  const client = w.clientFactory.create(context(false));
  await server.start();
  const hello = ourCommand((await client.start())[0], "HELLO");
  const s1 = await attempt(() => server.handle(hello));
  invariant(!s1.error, "a real HELLO is taken");
  const welcome = ourCommand(s1.value.send[0], "WELCOME");
  const welcomeData = target === 0 ? change(welcome.data) : welcome.data;
  const c1 = await attempt(() => client.handle({ name: "WELCOME", data: welcomeData }));
  invariant(!c1.error === welcomeData.equals(welcome.data), "a WELCOME changed is refused, unchanged taken");
  if (c1.error) return;
  const initiate = ourCommand(c1.value.send[0], "INITIATE");
  const s2 = await attempt(() => server.handle(initiate));
  invariant(!s2.error, "a real INITIATE is taken");
  const readyCommand = ourCommand(s2.value.send[0], "READY");
  const readyData = target === 1 ? change(readyCommand.data) : readyCommand.data;
  const c2 = await attempt(() => client.handle({ name: "READY", data: readyData }));
  invariant(!c2.error === readyData.equals(readyCommand.data), "a READY changed is refused, unchanged taken");
  if (c2.error) return;
  invariant(c2.value.peerMetadata?.get("socket-type")?.toString() === "DEALER", "the server's metadata");
  const body = input.field();
  const frame = server.framing().encode(body, false, true);
  const changedFrame = change(frame);
  const opened = attemptSync(() => client.framing().decode(changedFrame));
  invariant(!opened.error === changedFrame.equals(Buffer.from(frame)), "a MESSAGE changed is refused");
  if (!opened.error) invariant(opened.value.body.equals(body) && opened.value.command, "the command as sealed");
}

/** Mode 2: the harness is the client; the server under test opens an INITIATE of the input's making. */
async function harnessClient(w, input) {
  const { boxes } = w;
  const server = w.serverFactory.create(context(true));
  await server.start();
  const s1 = await attempt(() => server.handle({ name: "HELLO", data: w.hello }));
  invariant(!s1.error, "the harness's HELLO is taken");
  const welcome = ourCommand(s1.value.send[0], "WELCOME");
  invariant(welcome.data.length === 160, "WELCOME: 160 octets");
  const opened = boxes.open(w.helloKey, nonce24("WELCOME-", welcome.data.subarray(0, 16)), welcome.data.subarray(16));
  invariant(opened?.length === 128, "WELCOME's box opens with the HELLO's key");
  const serverTransient = opened.subarray(0, 32);
  const cookie = opened.subarray(32, 128);
  const sessionKey = boxes.boxKey(serverTransient, w.clientTransient.secretKey);

  // INITIATE's plaintext: our key, a vouch, metadata; or what the input says.
  const kind = input.byte() % 4;
  const vouchNonce = pad(input.bytes(16), 16);
  const realVouch = concat(w.clientTransient.publicKey, w.server.publicKey);
  let vouch = realVouch;
  let clientKey = w.client.publicKey;
  let plaintext;
  if (kind === 3) {
    plaintext = Buffer.from(input.bytes(input.byte() * 2));
  } else {
    if (kind === 1) {
      const how = input.byte();
      if (how & 1) vouch = concat(w.server.publicKey, w.clientTransient.publicKey);
      else vouch = how & 2 ? Buffer.from(input.bytes(how >> 2)) : pad(input.bytes(64), 64);
    } else if (kind === 2) {
      clientKey = pad(input.bytes(32), 32);
    }
    const vouchKey = boxes.boxKey(serverTransient, w.client.secretKey);
    const vouchBox = boxes.seal(vouchKey, nonce24("VOUCH---", vouchNonce), vouch);
    plaintext = concat(clientKey, vouchNonce, vouchBox, metadataFrom(input));
  }
  const nonceKind = input.byte() % 4;
  const nonceValue = [2n, 1n, 0n][nonceKind] ?? pad(input.bytes(8), 8).readBigUInt64BE(0);
  const n = short(nonceValue);
  const initiate = concat(cookie, n, boxes.seal(sessionKey, nonce24("CurveZMQINITIATE", n), plaintext));
  const s2 = await attempt(() => server.handle({ name: "INITIATE", data: initiate }));
  const metadata = kind === 3 ? undefined : readable(plaintext.subarray(128));
  const good = kind !== 3 && vouch.equals(realVouch) && clientKey.equals(w.client.publicKey) && metadata;
  if (!s2.error) {
    invariant(nonceValue > 1n, "INITIATE is taken only under a nonce past HELLO's");
    invariant(kind !== 3 && clientKey.equals(w.client.publicKey), "only a key that made the vouch is taken");
    invariant(vouch.equals(realVouch), "only a vouch of the client's transient and the server's key is taken");
    invariant(sameMetadata(s2.value.peerMetadata, metadata), "the client's metadata, as sealed");
  } else {
    invariant(!good || nonceValue <= 1n, `a good INITIATE is refused: ${s2.error.message}`);
    return;
  }
  const readyCommand = ourCommand(s2.value.send[0], "READY");
  const readyNonce = readyCommand.data.subarray(0, 8);
  const ours = boxes.open(sessionKey, nonce24("CurveZMQREADY---", readyNonce), readyCommand.data.subarray(8));
  invariant(ours && readable(ours)?.get("socket-type")?.toString() === "DEALER", "our READY opens, our metadata");
  await exchange(w, input, server.framing(), sessionKey, true, nonceValue, readyNonce.readBigUInt64BE(0));
}

/** Mode 3: the harness is the server; the client under test opens its WELCOME and READY. */
async function harnessServer(w, input) {
  const { boxes } = w;
  const client = w.clientFactory.create(context(false));
  const hello = ourCommand((await client.start())[0], "HELLO");
  checkHello(hello);
  const clientTransient = hello.data.subarray(74, 106);
  const helloNonce = hello.data.subarray(106, 114);
  invariant(helloNonce.readBigUInt64BE(0) === 1n, "HELLO's nonce is 1");
  const helloKey = boxes.boxKey(clientTransient, w.server.secretKey);
  const signature = boxes.open(helloKey, nonce24("CurveZMQHELLO---", helloNonce), hello.data.subarray(114));
  invariant(signature?.length === 64 && signature.every((b) => b === 0), "HELLO's box opens to 64 zeros");

  // WELCOME: our transient key and a cookie, or plaintext from the input.
  const kind = input.byte() % 4;
  const welcomeNonce = pad(input.bytes(16), 16);
  let plaintext = concat(w.serverTransient.publicKey, w.cookie);
  if (kind === 2) plaintext = pad(input.bytes(128), 128);
  else if (kind === 3) plaintext = Buffer.from(input.bytes(input.byte()));
  const welcome = concat(welcomeNonce, boxes.seal(helloKey, nonce24("WELCOME-", welcomeNonce), plaintext));
  const c1 = await attempt(() => client.handle({ name: "WELCOME", data: welcome }));
  if (plaintext.length !== 128) {
    invariant(c1.error, "a WELCOME of another size is refused");
    return;
  }
  if (kind >= 2) return; // a transient key that is not the harness's: its INITIATE cannot be read
  invariant(!c1.error, `a good WELCOME is refused: ${c1.error?.message}`);
  const initiate = ourCommand(c1.value.send[0], "INITIATE");
  invariant(initiate.data.subarray(0, 96).equals(w.cookie), "our INITIATE carries the cookie back");
  const initiateNonce = initiate.data.subarray(96, 104);
  invariant(initiateNonce.readBigUInt64BE(0) === 2n, "INITIATE's nonce is 2");
  const sessionKey = boxes.boxKey(clientTransient, w.serverTransient.secretKey);
  const opened = boxes.open(sessionKey, nonce24("CurveZMQINITIATE", initiateNonce), initiate.data.subarray(104));
  invariant(opened && opened.length >= 128, "our INITIATE's box opens");
  invariant(Buffer.from(opened.subarray(0, 32)).equals(w.client.publicKey), "our INITIATE names our key");
  const vouch = boxes.open(w.vouchKey, nonce24("VOUCH---", opened.subarray(32, 48)), opened.subarray(48, 128));
  invariant(vouch && concat(clientTransient, w.server.publicKey).equals(Buffer.from(vouch)), "our vouch holds");
  invariant(readable(opened.subarray(128))?.get("socket-type")?.toString() === "DEALER", "our metadata");

  // READY: metadata and nonce from the input, under the right prefix or another.
  const nonceKind = input.byte();
  const readyNonce = [1n, 0n, 2n ** 60n][nonceKind % 4] ?? pad(input.bytes(8), 8).readBigUInt64BE(0);
  const prefixes = ["CurveZMQREADY---", "CurveZMQINITIATE", "CurveZMQMESSAGES", "CurveZMQREADY--\0"];
  const prefix = prefixes[(nonceKind >> 2) % 8] ?? prefixes[0];
  const metadata = metadataFrom(input);
  const rn = short(readyNonce);
  const readyData = concat(rn, boxes.seal(sessionKey, nonce24(prefix, rn), metadata));
  const c2 = await attempt(() => client.handle({ name: "READY", data: readyData }));
  const expected = readable(metadata);
  if (!c2.error) {
    invariant(prefix === prefixes[0], "only a READY box under READY's prefix opens");
    invariant(sameMetadata(c2.value.peerMetadata, expected), "the server's metadata, as sealed");
  } else {
    invariant(prefix !== prefixes[0] || !expected, `a good READY is refused: ${c2.error.message}`);
    return;
  }
  await exchange(w, input, client.framing(), sessionKey, false, readyNonce, 2n);
}

/** Modes 4 and 5: MESSAGE boxes as a handshake leaves them, fed MESSAGEs from the input. */
async function messages(w, input, asServer) {
  const received = BigInt(input.byte());
  const sent = asServer ? 1 : 2;
  const codec = asServer
    ? new MessageBoxes(w.boxes, w.messageKey, "CurveZMQMESSAGES", "CurveZMQMESSAGEC", sent, Number(received), undefined)
    : new MessageBoxes(
        w.boxes,
        w.messageKey,
        "CurveZMQMESSAGEC",
        "CurveZMQMESSAGES",
        sent,
        Number(received),
        undefined,
      );
  await exchange(w, input, codec, w.messageKey, asServer, received, BigInt(sent));
}

/**
 * MESSAGEs both ways: the harness seals what the input says (the peer's direction), the codec
 * under test opens them; the codec seals bodies from the input, the harness opens them.
 * `received`: the last nonce the codec took; `sent`: the last it used.
 */
async function exchange(w, input, codec, key, asServer, received, sent) {
  const theirs = asServer ? "CurveZMQMESSAGEC" : "CurveZMQMESSAGES";
  const ours = asServer ? "CurveZMQMESSAGES" : "CurveZMQMESSAGEC";
  let last = received;
  let next = sent;
  for (let i = 0; i < 8 && !input.done; i++) {
    const control = input.byte();
    const flags = input.byte();
    const body = Buffer.from(input.field());
    if (control & 0x80) {
      // Our side: a frame we seal opens, under our prefix and the next nonce.
      const frame = Buffer.from(codec.encode(body, (flags & 1) !== 0, (flags & 2) !== 0));
      next++;
      invariant(frame.subarray(0, 8).equals(P("\x07MESSAGE")), "our MESSAGE's name");
      invariant(frame.readBigUInt64BE(8) === next, "our nonces count up by one");
      const plain = w.boxes.open(key, nonce24(ours, frame.subarray(8, 16)), frame.subarray(16));
      invariant(plain?.[0] === (flags & 3) && Buffer.from(plain.subarray(1)).equals(body), "our MESSAGE opens");
      continue;
    }
    if (control & 0x40) {
      // A raw frame: at most refused, with a typed error; it ends the connection if so.
      if (attemptSync(() => codec.decode(body)).error) return;
      continue;
    }
    let n;
    if ((control & 3) === 0) n = last + 1n;
    else if ((control & 3) === 1) n = last;
    else if ((control & 3) === 2) n = last + 2n + BigInt(input.byte());
    else n = pad(input.bytes(8), 8).readBigUInt64BE(0);
    n = BigInt.asUintN(64, n);
    const wrongPrefix = (control & 4) !== 0;
    const empty = (control & 16) !== 0;
    const plain = empty ? Buffer.alloc(0) : concat(Buffer.from([flags]), body);
    const tail = short(n);
    const frame = concat(P("\x07MESSAGE"), tail, w.boxes.seal(key, nonce24(wrongPrefix ? ours : theirs, tail), plain));
    const tamper = (control & 8) !== 0;
    if (tamper) frame[input.byte() % frame.length] ^= 1 + (input.byte() % 255);
    const opened = attemptSync(() => codec.decode(frame));
    if (!opened.error) {
      invariant(!wrongPrefix, "a box sealed for the other direction never opens");
      invariant(!tamper && !empty, "only a whole, sealed box opens");
      invariant(n > last, `a MESSAGE taken under nonce ${n} after ${last}`);
      const { body: got, more, command: isCommand } = opened.value;
      invariant(got.equals(body) && more === ((flags & 1) !== 0) && isCommand === ((flags & 2) !== 0), "as sealed");
      last = n;
    } else {
      const good = !wrongPrefix && !tamper && !empty && n > last && n < TWO_53;
      invariant(!good, `a good MESSAGE (nonce ${n} after ${last}) is refused: ${opened.error.message}`);
      return; // a refused frame ends the connection
    }
  }
}

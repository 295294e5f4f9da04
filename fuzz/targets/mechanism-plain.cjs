// The PLAIN security mechanism (src/zmq/mechanism/plain.ts, with admission.ts's ZAP rules), as
// server and as client, stepped through its handshake with the fuzzer playing the peer: its
// commands (HELLO with a user name and password, or with fields that do not add up; WELCOME,
// INITIATE and READY with metadata made from the input or raw; ERROR with a reason or a ZAP
// status; other names; raw bodies through decodeCommandBody) come from the input, and so do the
// ZAP client's answers (admit, refuse, a status that is no status, a rejected request, no
// handler). As client, our own credentials come from the input too (up to 300 octets each).
// Input: [config, our socket type, ZAP answer..., (client: user name, password), commands...]
//   config: bit 0 server (else client), bit 1 a ZAP client, bit 2 a ZAP domain.
// Invariants:
//   - start() and handle() throw or reject only with ZmqErrors; no unhandled rejection;
//   - client: start() gives a HELLO whose fields read back as our credentials (or refuses
//     credentials over 255 octets with EINVAL); an INITIATE with our metadata answers an empty
//     WELCOME; the handshake completes only on a READY after it, with that READY's metadata;
//   - server: the ZAP handler is asked once per HELLO that reads, with mechanism PLAIN and the
//     HELLO's very user name and password; WELCOME goes only to a peer the handler admitted
//     (status "200"), no handler refuses with EFAULT, a refusal is an AuthError with the
//     handler's status; READY (with our metadata) and completion only on an INITIATE after it;
//   - a completed handshake gives the metadata the peer sent, and nothing follows it.
const { Buffer, Cursor, invariant, load } = require("./_lib.cjs");

const { plainMechanism, decodeHello } = load("zmq/mechanism/plain.js");
const { attempt, metadataFrom, otherCommand, zapAnswer, zapClient } = require("./_handshake.cjs");
const command = load("zmq/codec/command.js");
const { SOCKET_TYPES } = load("zmq/engine/socket-types.js");
const { AuthError } = load("zmq/errors.js");

exports.settings = {
  includes: ["dist/cjs/zmq/mechanism/plain", "dist/cjs/zmq/mechanism/admission", "dist/cjs/zmq/codec/command"],
  sync: false,
  maxLength: 2048,
};

/** A HELLO's data: well-formed, or with lengths that do not add up. */
function helloFrom(input) {
  const username = input.field();
  const password = input.field();
  const hello = Buffer.concat([Buffer.from([username.length]), username, Buffer.from([password.length]), password]);
  const shape = input.byte() % 4;
  if (shape === 0 || shape === 1) return hello;
  if (shape === 2) return hello.subarray(0, input.byte() % (hello.length + 1));
  return Buffer.concat([hello, input.field()]);
}

const NAMES = ["HELLO", "WELCOME", "INITIATE", "READY", "PING", "MESSAGE", "hello", "ERROR"];

function commandFrom(input) {
  const kind = input.byte() % 8;
  switch (kind) {
    case 0:
      return { name: "HELLO", data: helloFrom(input) };
    case 1:
      return { name: "WELCOME", data: input.byte() & 1 ? Buffer.from(input.field()) : Buffer.alloc(0) };
    case 2:
      return { name: "INITIATE", data: metadataFrom(input) };
    case 3:
      return { name: "READY", data: metadataFrom(input) };
    default:
      return otherCommand(input, kind - 4, NAMES, ["300", "400", "500", "200", "3000"]);
  }
}

function readable(decode, data) {
  try {
    return decode(data);
  } catch {
    return undefined;
  }
}

function sameMetadata(a, b) {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.get(k)?.equals(v)) return false;
  return true;
}

exports.fuzz = async (data) => {
  const input = new Cursor(data);
  const config = input.byte();
  const server = (config & 1) !== 0;
  const socketType = SOCKET_TYPES[input.byte() % SOCKET_TYPES.length].type;
  const answer = zapAnswer(input);
  const asked = [];
  const zap = config & 2 ? zapClient(answer, asked) : undefined;
  const context = {
    metadata: [["Socket-Type", socketType]],
    asServer: server,
    zap,
    zapDomain: config & 4 ? "domain" : "",
    zapEnforceDomain: false,
    peerAddress: "10.0.0.1",
    routingId: Buffer.from("me"),
  };
  let credentials;
  if (!server) {
    // Up to 300 octets each: over 255, the client refuses to make its HELLO.
    const username = input.bytes(input.byte() + (input.byte() & 0x40 ? 45 : 0));
    const password = input.bytes(input.byte());
    credentials = { username: Buffer.from(username), password: Buffer.from(password) };
  }
  const factory = server ? plainMechanism({ server: true }) : plainMechanism({ server: false, credentials });
  invariant(factory.name === "PLAIN" && factory.asServer(false) === server, "the factory's name and role");
  const mechanism = factory.create(context);

  const start = await attempt(() => mechanism.start());
  if (server) {
    invariant(!start.error && start.value.length === 0, "a PLAIN server waits for HELLO");
  } else if (credentials.username.length > 255 || credentials.password.length > 255) {
    invariant(start.error?.code === "EINVAL", "credentials over 255 octets are refused");
    return;
  } else {
    invariant(!start.error && start.value.length === 1, "a PLAIN client starts with HELLO");
    const hello = command.decodeCommandBody(start.value[0]);
    invariant(hello.name === "HELLO", "our HELLO");
    const back = decodeHello(hello.data);
    invariant(back.username.equals(credentials.username), "our user name back");
    invariant(back.password.equals(credentials.password), "our password back");
  }

  // The model: where the handshake is ("hello": waiting for HELLO or WELCOME; "initiate": for
  // INITIATE or READY).
  let state = "hello";
  while (!input.done) {
    const peer = commandFrom(input);
    if (!peer) continue;
    const askedBefore = asked.length;
    const step = await attempt(() => mechanism.handle(peer));
    if (server) checkServer(peer, step, askedBefore);
    else checkClient(peer, step);
    if (step.error || step.value.peerMetadata) return;
  }

  function checkClient(peer, { value, error }) {
    invariant(asked.length === 0, "a PLAIN client asks no ZAP handler");
    if (peer.name === "ERROR") {
      invariant(error, "ERROR refuses");
      invariant(/^[345]\d\d$/.test(command.decodeErrorReason(peer.data)) === error instanceof AuthError, "a status");
      return;
    }
    if (state === "hello" && peer.name === "WELCOME" && peer.data.length === 0) {
      invariant(!error && value.send.length === 1 && !value.peerMetadata, "an empty WELCOME gets INITIATE");
      const initiate = command.decodeCommandBody(value.send[0]);
      invariant(initiate.name === "INITIATE", "our INITIATE");
      const ours = command.decodeMetadata(initiate.data);
      invariant(ours.get("socket-type")?.toString("latin1") === socketType, "our Socket-Type");
      state = "initiate";
      return;
    }
    if (state === "initiate" && peer.name === "READY" && readable(command.decodeMetadata, peer.data)) {
      invariant(!error && value.send.length === 0, "READY after WELCOME completes the handshake");
      invariant(sameMetadata(value.peerMetadata, command.decodeMetadata(peer.data)), "the server's metadata");
      return;
    }
    invariant(error, `${peer.name} in state ${state} is refused`);
  }

  function checkServer(peer, { value, error }, askedBefore) {
    if (peer.name === "ERROR") {
      invariant(error && asked.length === askedBefore, "ERROR refuses");
      return;
    }
    if (state === "hello" && peer.name === "HELLO") {
      const hello = readable(decodeHello, peer.data);
      if (!hello) {
        invariant(error?.zmtp === "ERR_ZMTP_MALFORMED_COMMAND_HELLO", "a HELLO that does not read is refused");
        invariant(asked.length === askedBefore, "and no ZAP handler is asked");
        return;
      }
      invariant(asked.length === askedBefore + (zap ? 1 : 0), "the ZAP handler is asked once for a HELLO");
      if (zap) {
        const r = asked.at(-1);
        invariant(r.mechanism === "PLAIN" && r.domain === context.zapDomain, "a PLAIN request, our domain");
        invariant(r.address === "10.0.0.1" && Buffer.from(r.identity).equals(context.routingId), "address, identity");
        invariant(r.credentials.length === 2, "user name and password");
        invariant(Buffer.from(r.credentials[0]).equals(hello.username), "the HELLO's user name to ZAP");
        invariant(Buffer.from(r.credentials[1]).equals(hello.password), "the HELLO's password to ZAP");
      }
      if (!zap || answer.none) {
        invariant(error?.code === "EFAULT", "no ZAP handler: EFAULT");
      } else if (answer.error) {
        invariant(error === answer.error, "the ZAP client's error is the handshake's");
      } else if (answer.admitted) {
        invariant(!error && value.send.length === 1 && !value.peerMetadata, "WELCOME to a peer admitted");
        const welcome = command.decodeCommandBody(value.send[0]);
        invariant(welcome.name === "WELCOME" && welcome.data.length === 0, "an empty WELCOME");
        state = "initiate";
      } else {
        invariant(error instanceof AuthError && error.status === answer.status, "a ZAP refusal: AuthError");
      }
      return;
    }
    invariant(asked.length === askedBefore, "only HELLO asks the ZAP handler");
    if (state === "initiate" && peer.name === "INITIATE" && readable(command.decodeMetadata, peer.data)) {
      invariant(!error && value.send.length === 1, "INITIATE after WELCOME gets READY");
      const ready = command.decodeCommandBody(value.send[0]);
      invariant(ready.name === "READY", "our READY");
      invariant(command.decodeMetadata(ready.data).get("socket-type")?.toString("latin1") === socketType, "ours");
      invariant(sameMetadata(value.peerMetadata, command.decodeMetadata(peer.data)), "the client's metadata");
      return;
    }
    invariant(error, `${peer.name} in state ${state} is refused`);
  }
};

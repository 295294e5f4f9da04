// The NULL security mechanism (src/zmq/mechanism/null.ts, with admission.ts's ZAP rules), as the
// bound side and as the connecting side, stepped through its handshake with the fuzzer playing
// the peer: its commands (READY with metadata made from the input, ERROR with a reason or a ZAP
// status, other commands, raw bodies through decodeCommandBody) come from the input, and so do
// the ZAP client's answers (admit, refuse, a status that is no status, a rejected request, no
// handler), asked when the socket has a ZAP domain.
// Input: [config, our socket type, ZAP answer..., commands...]
//   config: bit 0 ZAP domain set, bit 1 zapEnforceDomain, bit 2 a ZAP client, bit 3 the peer's
//   READY is handed over before our start() has settled (as the comment in null.ts allows),
//   bit 4 the bound side (asServer; NULL is the same both ways, and says so in its greeting).
// Invariants:
//   - start() and handle() throw or reject only with ZmqErrors; no unhandled rejection;
//   - start() gives one READY that decodes, with our Socket-Type;
//   - the ZAP handler is asked (once, with mechanism NULL, the socket's domain and no
//     credentials) exactly when the socket has a ZAP domain; the handshake completes only when
//     the peer is admitted: not asked, no handler and not enforced, or status "200"; a refusal
//     is an AuthError with the handler's status (300, 400, else 500);
//   - a completed handshake gives the metadata the peer's READY carried; only READY completes it.
const { Buffer, Cursor, invariant, load } = require("./_lib.cjs");

const { nullMechanism } = load("zmq/mechanism/null.js");
const { attempt, metadataFrom, otherCommand, zapAnswer, zapClient } = require("./_handshake.cjs");
const command = load("zmq/codec/command.js");
const { SOCKET_TYPES } = load("zmq/engine/socket-types.js");
const { AuthError } = load("zmq/errors.js");

exports.settings = {
  includes: ["dist/cjs/zmq/mechanism/null", "dist/cjs/zmq/mechanism/admission", "dist/cjs/zmq/codec/command"],
  sync: false,
  maxLength: 1024,
};

const NAMES = ["HELLO", "WELCOME", "INITIATE", "PING", "MESSAGE", "ready", "SUBSCRIBE"];

/** The peer's next command, from the input (undefined: a raw body that is no command). */
function commandFrom(input) {
  const kind = input.byte() % 6;
  if (kind === 0) return { name: "READY", data: metadataFrom(input) };
  if (kind === 1) return { name: "READY", data: Buffer.from(input.field()) };
  return otherCommand(input, kind - 2, NAMES, ["300", "400", "500", "200", "600"]);
}

function readable(metadata) {
  try {
    command.decodeMetadata(metadata);
    return true;
  } catch {
    return false;
  }
}

exports.fuzz = async (data) => {
  const input = new Cursor(data);
  const config = input.byte();
  const socketType = SOCKET_TYPES[input.byte() % SOCKET_TYPES.length].type;
  const zapDomain = config & 1 ? "domain" : "";
  const zapEnforceDomain = (config & 2) !== 0;
  const answer = zapAnswer(input);
  const asked = [];
  const zap = config & 4 ? zapClient(answer, asked) : undefined;
  const routingId = input.field();
  const mechanism = nullMechanism.create({
    metadata: [
      ["Socket-Type", socketType],
      ["Identity", routingId],
    ],
    asServer: (config & 16) !== 0,
    zap,
    zapDomain,
    zapEnforceDomain,
    peerAddress: "127.0.0.1",
    routingId,
  });
  invariant(mechanism.name === "NULL", "the mechanism's name");
  invariant(nullMechanism.asServer(true) === false && nullMechanism.asServer(false) === false, "as-server: never");

  // The model: whether the peer is admitted, or the error that refuses it.
  let expected;
  if (!zapDomain) expected = { admitted: true };
  else if (!zap || answer.none) expected = zapEnforceDomain ? { code: "EFAULT" } : { admitted: true };
  else if (answer.error) expected = { error: answer.error };
  else if (answer.admitted) expected = { admitted: true };
  else expected = { status: answer.status };

  const started = attempt(() => mechanism.start());
  const early = config & 8;
  let start;
  if (!early) {
    start = await started;
    checkStart(start);
    if (start.error) return;
  }
  while (!input.done) {
    const peer = commandFrom(input);
    if (!peer) continue;
    const step = await attempt(() => mechanism.handle(peer));
    if (early && !start) {
      start = await started;
      checkStart(start);
    }
    if (step.error) {
      // A READY whose metadata reads waits for our start(), and fails as it did.
      if (peer.name === "READY" && start.error && readable(peer.data)) {
        invariant(step.error === start.error, "READY fails as start() did");
      }
      return;
    }
    invariant(Array.isArray(step.value.send) && step.value.send.length === 0, "NULL answers nothing more");
    invariant(peer.name === "READY", `only READY advances NULL, not ${peer.name}`);
    invariant(expected.admitted && !start.error, "the handshake completes only for a peer admitted");
    const metadata = step.value.peerMetadata;
    const sent = command.decodeMetadata(peer.data);
    invariant(metadata && metadata.size === sent.size, "the peer's metadata");
    for (const [k, v] of sent) invariant(metadata.get(k)?.equals(v), "the peer's metadata, each property");
    return; // the handshake is done: the engine reads no more commands through the mechanism
  }
  if (!start) {
    start = await started;
    checkStart(start);
  }

  function checkStart({ value, error }) {
    invariant(asked.length === (zapDomain && zap ? 1 : 0), "the ZAP handler is asked when there is a domain");
    for (const r of asked) {
      invariant(r.mechanism === "NULL" && r.domain === zapDomain && r.credentials.length === 0, "a NULL request");
      invariant(r.address === "127.0.0.1" && Buffer.from(r.identity).equals(routingId), "address and identity");
    }
    if (expected.admitted) {
      invariant(!error, `admitted, yet start() failed: ${error?.stack}`);
      invariant(value.length === 1, "one READY");
      const ready = command.decodeCommandBody(value[0]);
      invariant(ready.name === "READY", "our READY");
      const ours = command.decodeMetadata(ready.data);
      invariant(ours.get("socket-type")?.toString("latin1") === socketType, "our Socket-Type");
      invariant(ours.get("identity")?.equals(routingId), "our Identity");
    } else if (expected.code) {
      invariant(error?.code === expected.code, `refused with ${expected.code}, not ${error?.code}`);
    } else if (expected.error) {
      invariant(error === expected.error, "the ZAP client's error is the handshake's");
    } else {
      invariant(error instanceof AuthError, `a ZAP refusal is an AuthError, not ${error}`);
      invariant(error.status === expected.status, `ZAP status ${expected.status}, not ${error.status}`);
    }
  }
};

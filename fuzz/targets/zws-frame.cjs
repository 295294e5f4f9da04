// ZWS 2.0 framing (RFC 45): decodeZwsFrame (codec/zws-frame.ts) on WebSocket messages the input
// cuts, ZwsWire (engine/zws-wire.ts) reading them (bare ZWS2.0: the peer's routing id first; or
// after a mechanism's handshake, under its frame limits), and the encoder ZwsBatch
// (engine/zws-batch.ts). The first byte chooses the message cutting, the second the limit
// (maxMessageSize -1, 0, 1, 255 or 1024; 0x08 bare or with a mechanism; 0x10 commands, 0x20 a
// sealed message, both sealed commands; 0x40 large frames, past the encoder's block).
// Invariants:
//   - only ZmqError escapes: EPROTO for an empty message or flags other than MORE and COMMAND,
//     EMSGSIZE for a body over the limit, and exactly then; ZwsWire adds EPROTO for a routing id
//     that is a command, in several frames or over 255 octets, and EMECHANISM for another mechanism;
//   - a decoded frame is the message's body as a view (no copy), with ZMTP's flag values;
//   - ZwsWire hands on frames as decodeZwsFrame gives them, the routing id first when bare;
//   - round trip: frames from the input (cut at its zero octets) added to a ZwsBatch as a
//     message, a sealed message or commands, taken and decoded, are the same frames with the same
//     flags (MORE on all but the last of a message, COMMAND on commands).
const { Buffer, chunks, invariant, load, splitAtZeros } = require("./_lib.cjs");

const { ZmqError } = load("zmq/errors.js");
const { decodeZwsFrame } = load("zmq/codec/zws-frame.js");
const { FLAG_COMMAND, FLAG_MORE } = load("zmq/codec/constants.js");
const { ZwsWire } = load("zmq/engine/zws-wire.js");
const { ZwsBatch } = load("zmq/engine/zws-batch.js");

exports.settings = { includes: ["codec/zws-frame", "engine/zws-wire", "engine/zws-batch", "engine/frame-batch"] };

const LIMITS = [-1, 0, 1, 255, 1024, -1, -1, -1];
const OUT = { message() {}, flush() {} };

/** What decodeZwsFrame must do with `message`: the EPROTO or EMSGSIZE refusal, or the frame. */
function expected(message, limit) {
  if (message.length === 0 || message[0] & ~3) return "EPROTO";
  if (limit >= 0 && message.length - 1 > limit) return "EMSGSIZE";
  return ((message[0] & 2 ? FLAG_COMMAND : 0) | (message[0] & 1 ? FLAG_MORE : 0)) >>> 0;
}

function decode(message, limit) {
  const want = expected(message, limit);
  try {
    const { flags, body } = decodeZwsFrame(message, limit);
    invariant(want === flags, `flags ${flags}, expected ${want}`);
    invariant(body.buffer === message.buffer && body.byteOffset === message.byteOffset + 1, "the body is a view");
    invariant(body.length === message.length - 1, "the whole body");
    return { flags, body };
  } catch (e) {
    if (!(e instanceof ZmqError)) throw e;
    invariant(e.code === want, `refused ${e.code}, expected ${want}`);
    return undefined;
  }
}

/** Whether `step` was refused (a ZmqError, with `code` if given); any other error is a finding. */
function refused(step, code) {
  try {
    step();
    return false;
  } catch (e) {
    if (!(e instanceof ZmqError)) throw e;
    if (code !== undefined) invariant(e.code === code, `refused ${e.code}, expected ${code}`);
    return true;
  }
}

/** A wire over a link that records what it is handed; `agreed` "" for bare ZWS2.0. */
function wire(agreed, limit) {
  const link = {
    frames: [],
    routingIds: [],
    began: 0,
    frame: (flags, body) => link.frames.push([flags, Buffer.from(body)]),
    beginHandshake() {
      link.began++;
    },
    beginBareHandshake() {
      link.began++;
    },
    bareHandshakeDone: (id) => link.routingIds.push(Buffer.from(id)),
  };
  const w = new ZwsWire(agreed, { mechanism: { name: "NULL" }, routingId: undefined, maxMessageSize: limit }, link);
  return { w, link };
}

/** The input's messages read by a wire: handed on as decoded, the routing id first when bare. */
function readWire(messages, limit, bare) {
  const { w, link } = wire(bare ? "" : "NULL", limit);
  w.start(OUT);
  invariant(link.began === 1, "the handshake begun");
  invariant(w.pings(), "ZWS peers are pinged");
  const want = [];
  let routingId;
  // Until the handshake is done, frames are held to 64 KiB; bare ZWS2.0's is done by the routing id.
  let frameLimit = 64 * 1024;
  let stopped = false;
  for (const message of messages) {
    const frame = decode(message, frameLimit);
    const wasRefused = refused(() => w.read(message), frame === undefined ? expected(message, frameLimit) : "EPROTO");
    if (frame === undefined) {
      invariant(wasRefused, "a frame refused by decodeZwsFrame is refused by the wire");
      stopped = true;
      break;
    }
    if (bare && routingId === undefined) {
      const valid = !(frame.flags & (FLAG_COMMAND | FLAG_MORE)) && frame.body.length <= 255;
      invariant(wasRefused === !valid, "a routing id refused when a command, in several frames or over 255 octets");
      routingId = frame.body;
      if (!valid) {
        stopped = true;
        break;
      }
      frameLimit = limit;
      continue;
    }
    invariant(!wasRefused, "a frame decoded is taken");
    want.push(frame);
  }
  if (bare && routingId !== undefined && !stopped) {
    invariant(link.routingIds.length === 1 && link.routingIds[0].equals(routingId), "the routing id handed on");
  } else if (bare && !stopped) {
    invariant(link.routingIds.length === 0, "no routing id yet");
  }
  invariant(link.frames.length === want.length, "as many frames handed on as decoded");
  link.frames.forEach(([flags, body], i) => {
    invariant(flags === want[i].flags && body.equals(want[i].body), "each frame handed on as decoded");
  });
  w.stop();
}

/** Frames from the input through ZwsBatch, back through decodeZwsFrame and a wire. */
function roundTrip(mode, body) {
  let frames = [...splitAtZeros(body)];
  // Large frames: past the quarter block (16 KiB) each has a buffer of its own; with several,
  // the shared block fills and a new one is taken.
  if (mode & 0x40) frames = frames.map((f, i) => Buffer.alloc(i % 2 ? 16383 : 16385 + f.length, f.length ? f : "z"));
  const batch = new ZwsBatch();
  invariant(batch.isEmpty, "a new batch is empty");
  const want = [];
  if ((mode & 0x30) === 0x30) {
    for (const f of frames) {
      batch.addSealed(f);
      want.push([0, f]);
    }
  } else if (mode & 0x10) {
    for (const f of frames) {
      batch.addCommand(f);
      want.push([FLAG_COMMAND, f]);
    }
  } else if (mode & 0x20) {
    batch.addSealedMessage(frames);
    for (const f of frames) want.push([0, f]);
  } else {
    batch.addMessage(frames);
    frames.forEach((f, i) => {
      want.push([i < frames.length - 1 ? FLAG_MORE : 0, f]);
    });
  }
  const bytes = batch.bytes;
  invariant(bytes === frames.reduce((n, f) => n + f.length + 1, 0), "the batch counts its octets");
  const messages = batch.take().map((m) => Buffer.from(m.buffer, m.byteOffset, m.length));
  invariant(batch.isEmpty && batch.bytes === 0 && batch.messages === 0, "taken, the batch is empty");
  invariant(messages.length === want.length, "one WebSocket message per frame");
  const { w, link } = wire("NULL", -1);
  w.start(OUT);
  w.handshakeDone();
  messages.forEach((m, i) => {
    const frame = decode(m, -1);
    invariant(frame !== undefined, "what we encode decodes");
    invariant(frame.flags === want[i][0] && frame.body.equals(want[i][1]), "the same flags and body back");
    w.read(m);
  });
  invariant(link.frames.length === want.length, "the wire hands on every frame");
}

exports.fuzz = (data) => {
  const mode = data[1] ?? 0;
  const limit = LIMITS[mode & 7];
  const input = Buffer.from(data.subarray(2));
  const messages = chunks(Buffer.concat([data.subarray(0, 1), input]));
  // An empty WebSocket message too (chunks() makes none), where the input says.
  if (data.length === 0 || data[0] === 1) messages.push(Buffer.alloc(0));
  for (const message of messages) decode(message, limit);
  readWire(messages, limit, (mode & 0x08) !== 0);
  // A mechanism other than the one the handshake agreed.
  const other = wire("PLAIN", limit);
  invariant(
    refused(() => other.w.start(OUT), "EMECHANISM"),
    "another mechanism is refused",
  );
  roundTrip(mode, input);
};

// ZMTP command bodies and what they carry (src/zmq/codec/command.ts, subscription.ts, and the
// RADIO/DISH group of a JOIN or LEAVE, socket/draft/groups.ts). The input's first byte chooses
// the parser, the rest is its input:
//   0 decodeCommandBody          1 decodeMetadata (READY, INITIATE)   2 decodePing / PONG
//   3 decodeErrorReason (ERROR)  4 decodeSubscription (ZMTP 3.0)      5 JOIN / LEAVE bodies
// then, for each, a round trip through its encoder with values the input gives.
// Invariants:
//   - only typed errors (ZmqError) escape; decodeErrorReason and decodeSubscription never throw;
//   - what a decoder gives is bounded by its input (views of it, no more octets than it had);
//   - what we encode decodes to the same: encodeCommandBody, the metadata encoder, encodePing,
//     encodeErrorCommand, encodeSubscription; and what decodes re-encodes to a body that decodes
//     the same (for a command body, to the very octets).
const { Buffer, invariant, load, typedOnly } = require("./_lib.cjs");

const command = load("zmq/codec/command.js");
const { decodeSubscription, encodeSubscription } = load("zmq/codec/subscription.js");
const { checkedGroup, groupBytes } = load("zmq/socket/draft/groups.js");

exports.settings = {
  includes: ["dist/cjs/zmq/codec/command", "dist/cjs/zmq/codec/subscription", "dist/cjs/zmq/socket/draft/groups"],
  maxLength: 2048,
};

const PARSERS = [commandBody, metadata, ping, errorReason, subscription, joinLeave];

exports.fuzz = (data) => {
  const input = Buffer.from(data.subarray(1));
  PARSERS[(data[0] ?? 0) % PARSERS.length](input);
};

/** A command name of 1 to 255 letters made from the input (or "READY" when it has none). */
function nameFrom(bytes) {
  let name = "";
  for (const b of bytes.subarray(0, 255)) name += String.fromCharCode(65 + (b % 26) + (b & 0x20));
  return name || "READY";
}

function commandBody(input) {
  const decoded = typedOnly(() => command.decodeCommandBody(input));
  if (decoded) {
    invariant(/^[A-Za-z]{1,255}$/.test(decoded.name), "a command name of 1 to 255 letters");
    invariant(decoded.data.buffer === input.buffer, "the data is a view of the body");
    invariant(1 + decoded.name.length + decoded.data.length === input.length, "name and data make the body");
    invariant(command.encodeCommandBody(decoded.name, decoded.data).equals(input), "re-encodes to the same octets");
  }
  // Round trip: a name of letters from the input's first octets, the rest as data.
  const split = input[0] ?? 0;
  const name = nameFrom(input.subarray(1, 1 + split));
  const data = input.subarray(1 + split);
  const body = command.encodeCommandBody(name, data);
  const back = command.decodeCommandBody(body);
  invariant(back.name === name && back.data.equals(data), "a command we encode decodes to the same");
}

/** Properties made from the input: [name length, value length (two octets), name, value]... */
function propertiesFrom(input) {
  const props = [];
  let at = 0;
  while (at + 3 <= input.length && props.length < 16) {
    const nameLength = 1 + (input[at] % 255);
    const valueLength = input.readUInt16BE(at + 1) % 512;
    at += 3;
    const name = input.toString("latin1", at, at + nameLength).padEnd(nameLength, "x");
    at += nameLength;
    const value = input.subarray(at, at + valueLength);
    at += valueLength;
    props.push([name, (input[0] ?? 0) & 1 ? value : value.toString("latin1")]);
  }
  return props;
}

function sameMetadata(a, b) {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.get(k)?.equals(v)) return false;
  return true;
}

function metadata(input) {
  const decoded = typedOnly(() => command.decodeMetadata(input));
  if (decoded) {
    let octets = 0;
    for (const [name, value] of decoded) {
      invariant(name.length >= 1 && name.length <= 255 && name === name.toLowerCase(), "names of 1-255, lower case");
      invariant(value.buffer === input.buffer, "values are views of the input");
      octets += value.length;
    }
    invariant(octets <= input.length, "values hold no more octets than came in");
    // What decodes re-encodes to metadata that decodes the same (names as decoded: lower case).
    const again = command.decodeMetadata(command.encodeMetadata([...decoded]));
    invariant(sameMetadata(decoded, again), "decoded metadata re-encodes to the same");
  }
  // Round trip: properties from the input; the last of a name (case-insensitive) wins.
  const props = propertiesFrom(input);
  const back = command.decodeMetadata(command.encodeMetadata(props));
  const expected = new Map();
  for (const [name, value] of props) {
    expected.set(name.toLowerCase(), typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value));
  }
  invariant(sameMetadata(back, expected), "metadata we encode decodes to the same");
  // As the mechanisms read it: a READY command of that metadata.
  const ready = command.decodeCommandBody(command.encodeCommandBody("READY", command.encodeMetadata(props)));
  invariant(ready.name === "READY" && sameMetadata(command.decodeMetadata(ready.data), expected), "a READY of it");
}

function ping(input) {
  const decoded = typedOnly(() => command.decodePing(input));
  if (decoded) {
    invariant(input.length >= 2 && input.length <= 18, "a PING of 2 to 18 octets");
    invariant(decoded.ttl === input.readUInt16BE(0) && decoded.context.equals(input.subarray(2)), "TTL and context");
    // The PONG we answer with: the PING's context, as a command body of its own.
    const pong = command.decodeCommandBody(command.encodeCommandBody("PONG", Buffer.from(decoded.context)));
    invariant(pong.name === "PONG" && pong.data.equals(decoded.context), "the PONG carries the context back");
  } else {
    invariant(input.length < 2 || input.length > 18, "only a PING of the wrong size is refused");
  }
  // Round trip: a TTL (any number, as heartbeats compute it) and up to 16 octets of context.
  const ttl = input.length >= 4 ? input.readInt32BE(0) / 7 : 0;
  const context = input.subarray(4, 4 + ((input[4] ?? 0) % 17));
  const body = command.encodePing(ttl, context);
  const back = command.decodeCommandBody(body);
  invariant(back.name === "PING", "a PING");
  const { ttl: ttlBack, context: contextBack } = command.decodePing(back.data);
  invariant(ttlBack === Math.min(0xffff, Math.max(0, Math.round(ttl))), "the TTL back, clamped to 16 bits");
  invariant(contextBack.equals(context), "the context back");
}

function errorReason(input) {
  const reason = command.decodeErrorReason(input);
  invariant(typeof reason === "string", "a reason");
  invariant(reason.length <= Math.min(255, Math.max(0, input.length - 1)), "no longer than what came in");
  invariant(reason === input.toString("latin1", 1, 1 + reason.length), "the octets after the length");
  // As an ERROR command: what decodeCommandBody gives the engine.
  const body = typedOnly(() => command.decodeCommandBody(Buffer.concat([Buffer.from("\x05ERROR"), input])));
  invariant(body?.name === "ERROR" && command.decodeErrorReason(body.data) === reason, "the same through ERROR");
  // Round trip: a reason of latin1 text, cut at 255 characters.
  const text = input.toString("latin1");
  const back = command.decodeCommandBody(command.encodeErrorCommand(text));
  invariant(back.name === "ERROR", "an ERROR");
  invariant(command.decodeErrorReason(back.data) === text.slice(0, 255), "the reason back (255 characters)");
}

/** Frames from the input, cut at its 0xff octets. */
function framesFrom(input) {
  const frames = [];
  let start = 0;
  for (let i = 0; i <= input.length; i++) {
    if (i === input.length || input[i] === 0xff) {
      frames.push(input.subarray(start, i));
      start = i + 1;
    }
  }
  return frames;
}

function subscription(input) {
  const frames = framesFrom(input);
  const decoded = decodeSubscription(frames);
  if (decoded) {
    invariant(frames.length === 1 && frames[0].length >= 1 && frames[0][0] <= 1, "one frame, 0 or 1 first");
    invariant(decoded.subscribe === (frames[0][0] === 1), "subscribe for 1, cancel for 0");
    invariant(decoded.topic.equals(frames[0].subarray(1)), "the topic is the rest of the frame");
  } else {
    invariant(frames.length !== 1 || frames[0].length === 0 || frames[0][0] > 1, "an ordinary message otherwise");
  }
  // Round trip: subscribe or cancel a topic (the input), as a PUB reads what a SUB sends.
  const subscribe = ((input[0] ?? 0) & 1) === 1;
  const topic = input.subarray(1);
  const back = decodeSubscription([encodeSubscription(subscribe, topic)]);
  invariant(back && back.subscribe === subscribe && back.topic.equals(topic), "a subscription back");
  invariant(
    decodeSubscription([encodeSubscription(subscribe, topic), topic]) === undefined,
    "two frames are a message",
  );
}

function joinLeave(input) {
  // A JOIN or LEAVE command body from the peer, as the engine reads it: the data is the group.
  const join = ((input[0] ?? 0) & 1) === 1;
  const body = Buffer.concat([Buffer.from(join ? "\x04JOIN" : "\x05LEAVE", "latin1"), input.subarray(1)]);
  const decoded = command.decodeCommandBody(body);
  invariant(decoded.name === (join ? "JOIN" : "LEAVE"), "the command's name");
  invariant(decoded.data.equals(input.subarray(1)), "the group is the command's data");
  // How a DISH reads a group it is given (a C string, at most 255 octets).
  const group = groupBytes(decoded.data);
  invariant(group.length <= decoded.data.length && !group.includes(0), "a group ends at its first zero octet");
  invariant(decoded.data.subarray(0, group.length).equals(group), "the group is the data's first octets");
  const checked = typedOnly(() => checkedGroup(decoded.data));
  invariant((checked === undefined) === group.length > 255, "only a group over 255 octets is refused");
  // Round trip: a group we send back in a JOIN we encode.
  if (checked) {
    const back = command.decodeCommandBody(command.encodeCommandBody(join ? "JOIN" : "LEAVE", checked));
    invariant(back.data.equals(checked), "a group back");
  }
}

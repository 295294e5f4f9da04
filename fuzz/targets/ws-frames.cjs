// RFC 6455 frames as FrameReader (ws-frames.ts) reads them: a server's reader (client frames,
// masked) or a client's (server frames, unmasked), with a message limit, fed in chunks the input
// chooses: the FIN and reserved bits, opcodes (data, continuation, ping, pong, close), 7-, 16- and
// 64-bit lengths, masks, fragments with control frames between them, close codes and reasons.
// The second byte chooses the reader: 0x01 masked (a server's), 0x06 the limit (none, 125, 1000,
// 70000 octets), 0x08 text or binary and 0x30 the control frames of the round trip, 0x40 a 64-bit
// round trip, 0x80 in-place masking (encodeClientFrameParts).
// Invariants:
//   - only WebSocketProtocolError escapes, with a close code of 1002 or 1009;
//   - the same messages, pings, closes and refusal whatever the cutting;
//   - nothing held beyond the limit: after every chunk, the partial frame held is under the
//     limit (or 125 octets, a control frame's) plus a header (14 octets), the fragments held and
//     every message within the limit, and without a limit no more than what came in;
//   - a close frame gives 1005 without a code, else its code, and a reason from its payload;
//   - round trip: a message we encode (encodeServerHeader + payload, encodeClientFrame, or
//     encodeClientFrameParts), cut into fragments (the input's zero octets) with pings and pongs
//     between them, then a close, reads back as the concatenated payloads, its pings and its close,
//     under no limit and under the smallest limit that the message's size allows (each fragment
//     but the last counted at least 64 octets, control frames not counted).
const { Buffer, InvariantError, chunks, invariant, load, splitAtZeros } = require("./_lib.cjs");

const { FrameReader, WebSocketProtocolError, disposablePayloads, encodeClientFrame, encodeClientFrameParts } = load(
  "zmq/transport/ws/ws-frames.js",
);
const { encodeServerHeader, OPCODE } = load("zmq/transport/ws/ws-frames.js");

exports.settings = { includes: ["ws/ws-frames"] };

const LIMITS = [0, 125, 1000, 70000];
/** What a fragment other than the last costs at least toward the limit (ws-frames.ts's FRAGMENT_COST). */
const FRAGMENT_COST = 64;
/** The longest control frame's payload: the message limit is not theirs. */
const MAX_CONTROL = 125;
/** The longest header: 2 octets, a 64-bit length, a mask. */
const MAX_HEADER = 14;

const EMPTY = Buffer.alloc(0);

/** Events as read(): [what, payload]. */
function sameEvents(a, b) {
  return a.length === b.length && a.every(([what, payload], i) => what === b[i][0] && payload.equals(b[i][1]));
}

/** Reads `pieces`: the events, in order ([what, payload]), and the refusal if any. */
function read(pieces, limit, masked) {
  const events = [];
  const reader = new FrameReader(
    {
      message: (payload, text) => {
        if (limit > 0) invariant(payload.length <= limit, "a message within the limit");
        events.push([text ? "text" : "binary", Buffer.from(payload)]);
      },
      ping: (payload) => events.push(["ping", Buffer.from(payload)]),
      close: (code, reason) => {
        invariant(Number.isInteger(code) && code >= 0 && code <= 0xffff, "a close code of 16 bits");
        events.push([`close ${code} ${JSON.stringify(reason)}`, EMPTY]);
      },
    },
    limit,
    masked,
  );
  let refusal;
  let received = 0;
  try {
    for (const piece of pieces) {
      received += piece.length;
      reader.push(piece);
      const held = reader.pendingLength;
      if (limit > 0) {
        const frameMax = Math.max(limit, MAX_CONTROL);
        invariant(held < frameMax + MAX_HEADER, `a partial frame under the limit (${held} held, limit ${limit})`);
        invariant(reader.fragmentsLength <= limit, "fragments within the limit");
      }
      invariant(held + reader.fragmentsLength <= received, "no more held than came in");
      invariant(reader.incomplete === (held > 0 || reader.fragments.length > 0), "incomplete while something is held");
    }
  } catch (e) {
    if (e instanceof InvariantError || !(e instanceof WebSocketProtocolError)) throw e;
    invariant(e.closeCode === 1002 || e.closeCode === 1009, `close code ${e.closeCode}`);
    refusal = e.message;
  }
  return { events, refusal };
}

/** A frame as `masked` says: a client's (masked, maybe in place) or a server's. */
function frame(opcode, payload, { masked, fin = true, inPlace = false }) {
  let parts;
  if (!masked) parts = [encodeServerHeader(opcode, payload.length), payload];
  else if (inPlace) {
    const own = Buffer.from(payload);
    disposablePayloads.add(own);
    parts = encodeClientFrameParts(opcode, own).map((p) => Buffer.from(p));
  } else parts = [Buffer.from(encodeClientFrame(opcode, payload))];
  const out = Buffer.concat(parts);
  if (!fin) out[0] &= 0x7f;
  return out;
}

/** `stream` in chunks the seed chooses; a long one (64-bit round trip) in three parts, chunked at its ends. */
function cut(seed, stream) {
  const fine = (part) => chunks(Buffer.concat([Buffer.from([seed]), part]));
  if (stream.length <= 4096) return fine(stream);
  const end = stream.length - 256;
  // A copy: a server unmasks in place.
  return [...fine(stream.subarray(0, 256)), Buffer.from(stream.subarray(256, end)), ...fine(stream.subarray(end))];
}

/** A message from the input, encoded in fragments with control frames between them, then a close. */
function roundTrip(seed, flags, body) {
  const masked = (flags & 1) === 1;
  const inPlace = (flags & 0x80) !== 0;
  const text = (flags & 0x08) !== 0;
  const parts = [...splitAtZeros(body)];
  const last = parts.at(-1);
  if (flags & 0x40) parts[parts.length - 1] = Buffer.alloc(65536 + last.length, last.length > 0 ? last : "x");
  const frames = [];
  const want = [];
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    frames.push(
      frame(i === 0 ? (text ? OPCODE.text : OPCODE.binary) : OPCODE.continuation, part, { masked, fin: last, inPlace }),
    );
    if (last) return;
    const control = part.subarray(0, 125);
    if (flags & 0x10) {
      frames.push(frame(OPCODE.ping, control, { masked }));
      want.push(["ping", control]);
    }
    if (flags & 0x20) frames.push(frame(OPCODE.pong, control, { masked }));
  });
  want.push([text ? "text" : "binary", Buffer.concat(parts)]);
  const code = body.length >= 2 ? body.readUInt16BE(0) : 1000;
  const reason = body.subarray(2, 40).toString("latin1");
  const close = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason, "utf8")]);
  frames.push(frame(OPCODE.close, close, { masked }));
  want.push([`close ${code} ${JSON.stringify(reason)}`, EMPTY]);
  const stream = Buffer.concat(frames);
  const smallest = parts.reduce(
    (n, p, i) => n + (i < parts.length - 1 ? Math.max(p.length, FRAGMENT_COST) : p.length),
    0,
  );
  for (const limit of [0, smallest]) {
    const { events, refusal } = read(cut(seed, stream), limit, masked);
    invariant(refusal === undefined, `what we encode reads back (limit ${limit}): refused, ${refusal}`);
    invariant(sameEvents(events, want), "the message, pings and close back");
  }
}

exports.fuzz = (data) => {
  const seed = data[0] ?? 0;
  const flags = data[1] ?? 0;
  const masked = (flags & 1) === 1;
  const limit = LIMITS[(flags >> 1) & 3];
  const input = data.subarray(2);
  // The reader unmasks in place: each reading gets its own copy.
  const whole = read([Buffer.from(input)], limit, masked);
  const cut = read(chunks(Buffer.concat([Buffer.from([seed]), input])), limit, masked);
  invariant(
    cut.refusal === whole.refusal,
    `the cutting does not change the refusal (${cut.refusal} / ${whole.refusal})`,
  );
  invariant(sameEvents(cut.events, whole.events), "the cutting does not change the events");
  roundTrip(seed, flags, Buffer.from(input));
};

// The ZMTP frame decoder, fed in chunks the input chooses: only typed errors, no frame longer than
// what came in, and the frames given (flags, bodies) the same whatever the cutting; then the
// round trip: frames built from the input, encoded, decoded in those chunks, are the same.
const { Buffer, chunks, invariant, load, splitAtZeros, typedOnly } = require("./_lib.cjs");

const { FrameDecoder } = load("zmq/codec/decoder.js");
const { encodeFrame } = load("zmq/codec/frame.js");

exports.settings = { includes: ["dist/cjs/zmq/codec"] };

function decode(pieces, maxFrameSize) {
  const frames = [];
  const decoder = new FrameDecoder((flags, body) => frames.push([flags, Buffer.from(body)]));
  decoder.maxFrameSize = maxFrameSize;
  const refused = typedOnly(() => {
    for (const piece of pieces) decoder.push(piece);
    return false;
  });
  return { frames, refused: refused === undefined };
}

exports.fuzz = (data) => {
  const maxFrameSize = (data[1] ?? 0) & 1 ? -1 : 1024;
  const input = Buffer.from(data.subarray(2));
  const cut = decode(chunks(Buffer.concat([data.subarray(0, 1), input])), maxFrameSize);
  const whole = decode([input], maxFrameSize);
  const octets = cut.frames.reduce((n, [, body]) => n + body.length, 0);
  invariant(octets <= input.length, "frames hold no more octets than came in");
  invariant(cut.refused === whole.refused, "the cutting does not change whether the stream is refused");
  invariant(cut.frames.length === whole.frames.length, "the cutting does not change the frames");
  for (let i = 0; i < cut.frames.length; i++) {
    invariant(cut.frames[i][0] === whole.frames[i][0], "same flags");
    invariant(cut.frames[i][1].equals(whole.frames[i][1]), "same bodies");
  }
  // Round trip: the input as frame bodies (cut at its own zero octets), flags from their lengths.
  const bodies = input.length === 0 ? [] : [...splitAtZeros(input)];
  const encoded = Buffer.concat(bodies.map((body, i) => Buffer.from(encodeFrame(i < bodies.length - 1 ? 1 : 0, body))));
  const back = decode(chunks(Buffer.concat([data.subarray(0, 1), encoded])), -1);
  invariant(!back.refused, "what we encode decodes");
  invariant(back.frames.length === bodies.length, "as many frames back");
  back.frames.forEach(([flags, body], i) => {
    invariant(body.equals(bodies[i]), "each body back");
    invariant((flags & 1) === (i < bodies.length - 1 ? 1 : 0), "MORE as sent");
  });
};

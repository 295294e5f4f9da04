// The ZMTP greeting (src/zmq/codec/greeting.ts): decodeGreeting on whatever octets, and the
// GreetingReader fed the input in chunks the input chooses, as a byte stream delivers them.
// Invariants:
//   - only typed errors (ZmqError) escape, from decodeGreeting and from the reader;
//   - the reader and decodeGreeting on the same 64 octets agree (refusal, and the greeting read);
//     the reader hands back exactly the octets after the 64th, and nothing before 64 have come;
//   - the cutting does not change whether the stream is refused, nor what is read;
//   - round trip: a greeting we encode (encodeGreeting, with a mechanism name and as-server bit
//     from the input) reads back the same, whatever the cutting and whatever follows it.
const { Buffer, chunks, invariant, load, typedOnly } = require("./_lib.cjs");

const { decodeGreeting, encodeGreeting, GreetingReader } = load("zmq/codec/greeting.js");

exports.settings = { includes: ["dist/cjs/zmq/codec/greeting"], maxLength: 512 };

const GREETING_SIZE = 64;

/** Feeds the pieces to a fresh reader as the ZMTP wire does: until a greeting (or a refusal). */
function readInPieces(pieces) {
  const reader = new GreetingReader();
  let fed = 0;
  let result;
  const refused =
    typedOnly(() => {
      for (let i = 0; i < pieces.length; i++) {
        const read = reader.read(pieces[i]);
        fed += pieces[i].length;
        if (read) {
          invariant(fed >= GREETING_SIZE, "no greeting before 64 octets");
          invariant(fed - read.rest.length === GREETING_SIZE, "the rest is what follows the 64th octet");
          result = { greeting: read.greeting, rest: Buffer.concat([read.rest, ...pieces.slice(i + 1)]) };
          return false;
        }
      }
      return false;
    }) === undefined;
  return { refused, result };
}

function sameGreeting(a, b) {
  return a.major === b.major && a.minor === b.minor && a.mechanism === b.mechanism && a.asServer === b.asServer;
}

exports.fuzz = (data) => {
  const seed = Buffer.from([data[0] ?? 0]);
  const input = Buffer.from(data.subarray(1));

  // 1. decodeGreeting alone, on the input as it is (the reader only calls it with 64 octets).
  const whole = typedOnly(() => decodeGreeting(input.subarray(0, GREETING_SIZE)));
  if (whole && input.length >= GREETING_SIZE) {
    invariant(typeof whole.major === "number" && typeof whole.minor === "number", "numeric version");
    invariant(whole.major >= 3, "only ZMTP 3 and later are taken");
    invariant(whole.mechanism.length <= 20 && !whole.mechanism.includes("\0"), "mechanism of at most 20 octets");
  }

  // 2. The reader, in the input's chunks and whole: the same outcome.
  const cut = readInPieces(chunks(Buffer.concat([seed, input])));
  const once = readInPieces([input]);
  invariant(cut.refused === once.refused, "the cutting does not change whether the greeting is refused");
  invariant(!cut.result === !once.result, "the cutting does not change whether a greeting is read");
  if (cut.result) {
    invariant(sameGreeting(cut.result.greeting, once.result.greeting), "same greeting whatever the cutting");
    invariant(cut.result.rest.equals(once.result.rest), "same rest whatever the cutting");
    invariant(input.length >= GREETING_SIZE && whole !== undefined, "a greeting read is one decodeGreeting takes");
    invariant(sameGreeting(cut.result.greeting, whole), "the reader reads what decodeGreeting does");
    invariant(cut.result.rest.equals(input.subarray(GREETING_SIZE)), "the rest is the input after 64 octets");
  } else if (!cut.refused) {
    invariant(input.length < GREETING_SIZE, "64 octets that are not refused make a greeting");
  }

  // 3. Round trip: a mechanism name (up to 24 octets of the input, latin1) and the as-server bit.
  const nameLength = (data[1] ?? 0) % 25;
  const name = input.subarray(1, 1 + nameLength).toString("latin1");
  const asServer = ((data[2] ?? 0) & 1) === 1;
  const ours = Buffer.from(encodeGreeting(name, asServer));
  invariant(ours.length === GREETING_SIZE, "our greeting is 64 octets");
  const trailer = input.subarray(0, (data[3] ?? 0) % 40);
  const back = readInPieces(chunks(Buffer.concat([seed, ours, trailer])));
  invariant(!back.refused && back.result, "our greeting is read back");
  const expected = name.slice(0, 20).split("\0")[0];
  invariant(back.result.greeting.mechanism === expected, "the mechanism name back (20 octets, up to a zero)");
  invariant(back.result.greeting.asServer === asServer, "the as-server bit back");
  invariant(back.result.greeting.major === 3 && back.result.greeting.minor === 1, "ZMTP 3.1 back");
  invariant(back.result.rest.equals(trailer), "what follows our greeting is left as it was");
};

// Requests as an RPCServer reads them (src/rpc/server.ts handle() and dispatch(): parseRequest,
// decodeBody, the call extension's CANCEL, STREAM_CREDIT and METHOD_CALL options, streams,
// progress, properties), in process: one RPCServer (never bound) whose socket is replaced by one
// that records what the server sends, with JSON, buffer, progress and stream methods, properties
// and a signal. The input is up to 4 messages (separated by FF FF), each [flags, request id (4
// octets), body]; flags: bits 0-1 the envelope ([peer, id, ""], [peer, ""] as a REQ client's,
// [peer, route, id, ""], or no delimiter), bit 2 the body's value re-encoded as MessagePack
// (when the body is JSON that parses; a body starting with 0x00 is a request generated from the
// octets after it, with hostile values: see generated()), bit 3 a frame after the body, bits 4-5 the peer (one of
// 4), bit 6 the messages before it handled first, bit 7 no body frame at all.
// Invariants:
// - past the device's limit of calls (server-admission.ts, here with a limit of 0), a message is
//   served at once exactly when it is a CANCEL or STREAM_CREDIT (512 octets at most), and queued
//   otherwise, without an exception;
// - handling a message never rejects, nor leaves an unhandled rejection: nothing that would
//   kill the server; it ends once its peer is gone (the calls of a closed connection abort);
// - every message sent starts with the request's envelope, exactly; a message without a
//   delimiter gets nothing, any other request one reply at most (CANCEL and STREAM_CREDIT
//   none, unless a failure reply);
// - a reply is in the request's encoding and decodes to an object; a failure reply has a string
//   `error` and a string `traceback`, empty unless a method failed (this target's methods fail
//   only with "refused: ..." errors) or its call was given up (an AbortError): an error of our
//   own code (a TypeError...) in a failure reply is a finding; a buffer reply is [info, bytes]
//   with no "error" in the info; interim messages (progress, stream items) are a kind octet and
//   a value (or info and bytes) in that encoding.
const { Buffer, Cursor, invariant, load, parts, pythonJson } = require("./_lib.cjs");
const { setImmediate } = require("node:timers");

const { RPCServer } = load("rpc/server.js");
const { RequestAdmission } = load("rpc/server-admission.js");
const { PEER_ALIVE } = load("zmq/internal.js");
const { decodeBody, detectEncoding, encodeBody } = load("common/codec.js");
const { parsePythonJson } = load("common/python-json.js");
const { encodeMessagePack } = load("common/msgpack.js");

exports.settings = { includes: ["dist/cjs/rpc", "dist/cjs/common"], sync: false };

class Refused extends Error {}
const refuse = (what) => {
  throw new Refused(`refused: ${what}`);
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

// ---- the device ----

let sent = [];
let server;
const unhandled = [];

/** The device, made on the first input (not when the runner reads `settings`). */
function setup() {
  server = new RPCServer({ url: "tcp://127.0.0.1:0" });
  const recorder = {
    closed: false,
    send: async (frames) => {
      sent.push(frames.map((f) => Buffer.from(f)));
    },
    [PEER_ALIVE]: () => true,
  };
  Object.defineProperty(server, "socket", { value: recorder });
  // STOP_SERVER is answered, then stops the server: not this one, which serves every input.
  server.stopServer = () => {};
  const number = (x, what) => (typeof x === "number" && Number.isFinite(x) ? x : refuse(`${what} is not a number`));
  server.registerMethodJson("add", (a, b) => number(a, "a") + number(b, "b"), { params: ["a", "b"] });
  server.registerMethodJson("echo", (x) => x, { params: ["x"] });
  server.registerMethodJson("nothing", () => undefined);
  server.registerMethodJson(
    "work",
    async (call, steps) => {
      const n = Math.min(3, Math.max(0, number(steps, "steps")));
      for (let i = 0; i < n; i++) {
        call.progress({ step: i, of: n });
        await tick();
        if (call.signal.aborted) refuse("given up");
      }
      return n;
    },
    { callContext: true, params: ["steps"] },
  );
  server.registerMethodBuffer(
    "image",
    (size) => {
      const n = Math.min(64, Math.max(0, Math.floor(number(size, "size"))));
      return [Buffer.alloc(n, 7), { size: n, shape: [n, 1] }];
    },
    { params: ["size"] },
  );
  server.registerMethodBuffer("bad_info", () => [Buffer.alloc(1), { error: "an info with an error key" }]);
  server.registerMethodStream(
    "count",
    async function* (_call, n) {
      const items = Math.min(8, Math.max(0, number(n, "n")));
      for (let i = 0; i < items; i++) yield i;
    },
    { params: ["n"] },
  );
  server.registerMethodStream(
    "frames",
    function* (_call, n) {
      const items = Math.min(4, Math.max(0, number(n, "n")));
      for (let i = 0; i < items; i++) yield [Buffer.from([i, i]), { index: i }];
    },
    { params: ["n"], items: "buffer" },
  );
  server.registerSignal("moved");
  let exposure = 10;
  let label = "";
  server.registerProperty("exposure", {
    get: () => exposure,
    set: (v) => {
      exposure = number(v, "exposure");
    },
    notify: "moved",
    autoNotify: true,
  });
  server.registerProperty("label", {
    get: () => label,
    set: (v) => {
      label = typeof v === "string" && v.length < 64 ? v : refuse("label is not a short string");
    },
    notify: "moved",
  });
  server.registerProperty("model", { get: () => "fuzz-cam" });

  process.on("unhandledRejection", (e) => unhandled.push(e));
}

// ---- messages ----

const PEERS = [0, 1, 2, 3].map((i) => Buffer.from([0, 0x70, 0x65, i]));
const ROUTE = Buffer.from("route");
const ABORTED = /^the caller gave up the call$|^the caller's connection closed$|^the device is stopping$/;

// ---- generated requests: a body starting with 0x00 is built from the octets after it ----

const KEYS = ["a", "b", "x", "n", "steps", "size", "__proto__", "toString", "constructor", "zz"];
const STRINGS = ["", "a", "__proto__", "toString", "é\u2028", "x".repeat(40), "3"];
const NUMBERS = [0, 1, -1, 2, 3, 8, 300, 1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, -1e308, 2 ** 32, 2 ** 53 + 2];

/** A value: scalars, arrays, objects (some of them hostile: toString keys), binary, BigInt. */
function value(c, depth = 0) {
  const deeper = depth < 3;
  return c.pick([
    null,
    true,
    false,
    () => c.byte() - 128,
    () => c.pick(NUMBERS),
    () => c.pick(STRINGS),
    () => (deeper ? Array.from({ length: c.byte() % 4 }, () => value(c, depth + 1)) : []),
    () => (deeper ? object(c, c.byte() % 4, () => value(c, depth + 1)) : {}),
    () => ({ toString: 1 }),
    () => ({ toString: 1, valueOf: 1 }),
    () => 2n ** 64n - 1n,
    () => Buffer.from([1, 2, c.byte()]),
    undefined,
  ]);
}

function object(c, n, item) {
  const out = {};
  for (let i = 0; i < n; i++) {
    Object.defineProperty(out, c.pick(KEYS), { value: item(), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const METHODS = ["add", "echo", "nothing", "work", "image", "bad_info", "count", "frames", "nope", "__proto__"];
const EVENTS = [
  "GET_INVENTORY",
  "INIT_SIGNALS_HANDLING",
  "METHOD_CALL",
  "METHOD_CALL",
  "PROPERTY_GET",
  "PROPERTY_SET",
  "STOP_SERVER",
  "CANCEL",
  "STREAM_CREDIT",
  "EMIT_SIGNAL",
];

/** A request built from choices; `ids` are the request ids of the messages so far (CANCEL names one). */
function generated(c, ids) {
  const request = {};
  const field = (key, make) => {
    if (c.byte() % 4 !== 0) request[key] = make();
  };
  request.event = c.byte() % 8 === 7 ? value(c) : c.pick(EVENTS);
  field("method", () => (c.byte() % 8 === 7 ? value(c) : c.pick(METHODS)));
  field("params", () =>
    c.pick([
      null,
      () => value(c),
      {},
      () => {
        const params = {};
        if (c.byte() % 4 !== 0)
          params.args = c.pick([() => Array.from({ length: c.byte() % 4 }, () => value(c)), () => value(c)]);
        if (c.byte() % 4 !== 0) params.kwargs = c.pick([() => object(c, c.byte() % 3, () => value(c)), () => value(c)]);
        return params;
      },
    ]),
  );
  field("property", () => c.pick(["exposure", "label", "model", "nope", "__proto__", () => value(c)]));
  field("value", () => value(c));
  field("request", () => c.pick([() => ids[c.byte() % ids.length] ?? 0, -1, 1.5, 2 ** 32, "1", () => value(c)]));
  field("credit", () => c.pick([1, 2, 0, -1, 1.5, 1e9, "2", () => value(c)]));
  field("plantrpc", () =>
    c.pick([
      null,
      () => value(c),
      { progress: true },
      { progress: "yes" },
      () => ({ stream: { window: c.byte() % 4 === 0 ? value(c) : c.byte() - 8 } }),
      () => ({ stream: value(c) }),
      () => ({ progress: true, stream: { window: c.byte() % 10 } }),
    ]),
  );
  return request;
}

/** JSON as Python writes it (NaN, Infinity), or MessagePack; BigInts as numbers in JSON. */
function encodeGenerated(request, msgpack) {
  if (msgpack) return encodeMessagePack(request);
  return pythonJson(request);
}

/** The frames up to the first empty one (the delimiter), which the server echoes; undefined without one. */
function envelopeOf(frames) {
  const delimiter = frames.findIndex((f) => f.length === 0);
  return delimiter < 0 ? undefined : frames.slice(0, delimiter + 1);
}

const keyOf = (envelope) => envelope.map((f) => f.toString("hex")).join(".");

/** One message: its frames, its envelope (undefined: not answered), the encoding of its body. */
function message(part, ids) {
  const flags = part[0] ?? 0;
  const id = Buffer.alloc(4);
  if (part.length > 1) part.copy(id, 0, 1, Math.min(5, part.length));
  let body = Buffer.from(part.subarray(5));
  if (body[0] === 0) {
    body = encodeGenerated(generated(new Cursor(body.subarray(1)), ids), (flags & 4) !== 0);
  } else if (flags & 4) {
    try {
      body = encodeBody(parsePythonJson(body.toString("utf8")), "msgpack");
    } catch {
      // not JSON: sent as it is
    }
  }
  const peer = PEERS[(flags >> 4) & 3];
  const empty = Buffer.alloc(0);
  const head = [[peer, id, empty], [peer, empty], [peer, ROUTE, id, empty], [peer]][flags & 3];
  const frames = [...head, ...(flags & 0x80 ? [] : [body]), ...(flags & 8 ? [Buffer.from("extra")] : [])];
  const envelope = envelopeOf(frames);
  const request = envelope && frames[envelope.length];
  return {
    id: id.readUInt32BE(0),
    frames,
    envelope,
    encoding: request && request.length > 0 ? detectEncoding(request) : "json",
    event: eventOf(request),
    wait: (flags & 0x40) !== 0,
  };
}

/** The request's event, as far as the harness can tell (for CANCEL and STREAM_CREDIT). */
function eventOf(body) {
  if (!body || body.length === 0) return undefined;
  try {
    return decodeBody(body)?.event;
  } catch {
    return undefined;
  }
}

/** Decodes a value in one of `encodings`; a finding when none reads it. */
function decodes(frame, encodings, what) {
  let error;
  for (const encoding of encodings) {
    try {
      return decodeBody(frame, encoding);
    } catch (e) {
      error = e;
    }
  }
  invariant(false, `${what} does not decode: ${error.message}`);
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** The messages sent to one envelope are well-formed; returns how many were final replies. */
function checkReplies(group, messages) {
  let finals = 0;
  const encodings = [...group.encodings];
  for (const frames of messages) {
    const rest = frames.slice(group.envelope.length);
    invariant(rest.length > 0, "a message after the envelope");
    const kind = rest[0].length === 1 ? rest[0][0] : undefined;
    if (kind === 0x50 || kind === 0x49) {
      invariant(rest.length === 2, "an interim value: kind and value");
      decodes(rest[1], encodings, "an interim value");
      continue;
    }
    if (kind === 0x42) {
      invariant(rest.length === 3, "a buffer item: kind, info, bytes");
      invariant(isObject(decodes(rest[1], encodings, "a buffer item's info")), "a buffer item's info is an object");
      continue;
    }
    finals++;
    const encoding = detectEncoding(rest[0]);
    invariant(group.encodings.has(encoding), "a reply in the request's encoding");
    const reply = decodes(rest[0], [encoding], "a reply");
    invariant(isObject(reply), "a reply is an object");
    if (rest.length === 2) {
      invariant(!("error" in reply), "a buffer reply's info has no error key");
      continue;
    }
    invariant(rest.length === 1, "a reply is one frame, or a buffer method's two");
    if (reply.success !== false) {
      invariant(!group.control, "CANCEL and STREAM_CREDIT get no reply (but a failure)");
      continue;
    }
    invariant(typeof reply.error === "string" && typeof reply.traceback === "string", "a failure reply's fields");
    if (reply.traceback !== "") {
      invariant(
        reply.error.startsWith("refused: ") || ABORTED.test(reply.error),
        `an error of the server's own code in a failure reply: ${reply.error}`,
      );
    }
  }
  return finals;
}

async function settle(promises, turns) {
  let done = 0;
  for (const p of promises) p.then(() => done++);
  for (let i = 0; i < turns && done < promises.length; i++) await tick();
  return done === promises.length;
}

exports.fuzz = async (data) => {
  if (!server) setup();
  sent = [];
  unhandled.length = 0;
  const ids = [];
  const messages = parts(Buffer.from(data), 4).map((part) => {
    const m = message(part, ids);
    ids.push(m.id);
    return m;
  });
  const handled = [];
  for (const m of messages) {
    if (m.wait) await settle(handled, 10);
    handled.push(
      server.handle(m.frames).then(
        () => {},
        (e) => invariant(false, `handling rejected: ${e?.stack ?? e}`),
      ),
    );
  }
  await settle(handled, 30);
  // The connections close: their calls (a stream waiting for credit) are given up.
  for (const peer of PEERS) server.calls.peerGone(peer);
  invariant(await settle(handled, 50), "handling ends once the caller's connection is gone");
  await Promise.all(handled);
  invariant(unhandled.length === 0, `an unhandled rejection: ${unhandled[0]?.stack ?? unhandled[0]}`);

  // Past its limit, a device still serves CANCEL and STREAM_CREDIT at once (server-admission.ts),
  // and queues the rest: exactly those, whatever their body.
  const served = [];
  const admission = new RequestAdmission(
    0,
    async (frames) => {
      served.push(frames);
    },
    () => {},
  );
  for (const m of messages) {
    const before = served.length;
    admission.take(m.frames);
    const control = m.event === "CANCEL" || m.event === "STREAM_CREDIT";
    const body = m.envelope && m.frames[m.envelope.length];
    const expected = control && body !== undefined && body.length <= 512;
    invariant(served.length > before === expected, "past the limit, only CANCEL and STREAM_CREDIT are served");
  }

  const groups = new Map();
  for (const m of messages) {
    if (!m.envelope) continue;
    const key = keyOf(m.envelope);
    const group = groups.get(key) ?? { envelope: m.envelope, encodings: new Set(), requests: 0, control: true };
    group.encodings.add(m.encoding);
    group.requests++;
    group.control &&= m.event === "CANCEL" || m.event === "STREAM_CREDIT";
    groups.set(key, group);
  }
  const byEnvelope = new Map();
  for (const frames of sent) {
    const envelope = envelopeOf(frames);
    const key = envelope && keyOf(envelope);
    invariant(groups.has(key), "every message sent goes to a request's envelope");
    byEnvelope.set(key, [...(byEnvelope.get(key) ?? []), frames]);
  }
  for (const [key, group] of groups) {
    const finals = checkReplies(group, byEnvelope.get(key) ?? []);
    invariant(finals <= group.requests, "one reply per request at most");
  }
};

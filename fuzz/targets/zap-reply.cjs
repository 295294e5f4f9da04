// The ZAP client's reply reading (src/zmq/engine/zap-client.ts: ZapConnection.engineMessage and
// replyFault): requests are made (one to four, RFC 27 frames checked), then the handler's replies
// come as frames from the input: well-formed (a waiting request's id, one answered before, one
// never issued, "01"...; RFC 27's status codes or others), with a frame dropped, the delimiter or
// the version changed, or raw frames (the input cut at its 0xff octets). The engine to the
// handler is a stand-in (ZapConnection's private `engine`, set here): no inproc pipe is made.
// Input: [requests and start, reply kind, reply fields..., reply kind, ...]
// Invariants:
//   - engineMessage never throws;
//   - a reply settles at most one request, and exactly the one a model of RFC 27 and libzmq says:
//     the request it names, or, naming none that waits (and no id we issued), the oldest one;
//     the late reply to an id answered before is dropped;
//   - a malformed reply fails that request with a ProtocolError of libzmq's ZAP code
//     (ERR_ZAP_MALFORMED_REPLY, _BAD_VERSION, _BAD_REQUEST_ID, _INVALID_STATUS_CODE); a good one
//     resolves it with the reply's status code, text and user id;
//   - when the handler goes away, every request still waiting waits on (as with libzmq: to its
//     timeout), and the reply a later handler gives it still settles it, once.
const { Buffer, Cursor, invariant, load } = require("./_lib.cjs");

const { ZapConnection } = load("zmq/engine/zap-client.js");
const { ProtocolError } = load("zmq/errors.js");

exports.settings = { includes: ["dist/cjs/zmq/engine/zap-client"], sync: false, maxLength: 1024 };

const STATUS = ["200", "300", "400", "500", "201", "", "2000", "abc"];
const MECHANISMS = ["NULL", "PLAIN", "CURVE"];

/** A turn of the event loop: what a reply settled has run its callbacks. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** The fault libzmq finds in a reply (RFC 27), as zap-client.ts names it; undefined if none. */
function fault(strings, count, named) {
  const [delimiter, version, , code] = strings;
  if (count < 7 || delimiter !== "") return "ERR_ZAP_MALFORMED_REPLY";
  if (version !== "1.0") return "ERR_ZAP_BAD_VERSION";
  if (!named) return "ERR_ZAP_BAD_REQUEST_ID";
  if (!["200", "300", "400", "500"].includes(code)) return "ERR_ZAP_INVALID_STATUS_CODE";
  return undefined;
}

exports.fuzz = async (data) => {
  const input = new Cursor(data);
  const first = input.byte();
  const engine = {
    state: first & 4 ? "handshake" : "ready",
    written: [],
    sendMessage(frames) {
      this.written.push(frames);
    },
  };
  const connection = new ZapConnection();
  connection.engine = engine; // the stand-in for the pipe to the handler

  // Requests, each with what the model knows of it.
  const requests = [];
  for (let i = 0; i <= (first & 3); i++) {
    const request = {
      domain: input.field().toString("utf8"),
      address: "192.168.0.1",
      identity: Buffer.from(input.field()),
      mechanism: MECHANISMS[input.byte() % 3],
      credentials: [Buffer.from(input.field())],
    };
    const entry = { id: String(i + 1), request, outcome: undefined, settlements: 0 };
    connection.request(request).then(
      (value) => {
        entry.outcome = { value };
        entry.settlements++;
      },
      (error) => {
        entry.outcome = { error };
        entry.settlements++;
      },
    );
    requests.push(entry);
  }
  if (engine.state !== "ready") {
    invariant(engine.written.length === 0, "nothing is written before the pipe is ready");
    engine.state = "ready";
    connection.engineReady(engine);
  }
  // What we wrote: RFC 27 requests, in order.
  invariant(engine.written.length === requests.length, "one message per request");
  engine.written.forEach((frames, i) => {
    const { id, request } = requests[i];
    const text = frames.map((f) => Buffer.from(f).toString("utf8"));
    invariant(frames.length === 7 + request.credentials.length, "a request's frames");
    invariant(text[0] === "" && text[1] === "1.0" && text[2] === id, "delimiter, version, request id");
    invariant(text[3] === request.domain && text[4] === request.address, "domain and address");
    invariant(Buffer.from(frames[5]).equals(request.identity) && text[6] === request.mechanism, "identity, mechanism");
    invariant(Buffer.from(frames[7]).equals(request.credentials[0]), "credentials");
  });

  const waiting = new Set(requests.map((r) => r.id)); // in insertion order, as the Map's keys
  for (let replies = 0; replies < 6 && !input.done; replies++) {
    const frames = replyFrom(input, requests);
    const strings = frames.map((f) => f.toString("utf8"));
    const id = strings[2] ?? "";
    const named = waiting.has(id);
    const n = Number(id);
    const issued = Number.isInteger(n) && n >= 1 && n <= requests.length && String(n) === id;
    let settles;
    if (named) settles = id;
    else if (!issued) settles = waiting.values().next().value;
    try {
      connection.engineMessage(engine, frames);
    } catch (e) {
      invariant(false, `engineMessage threw: ${e?.stack ?? e}`);
    }
    await turn();
    for (const r of requests) {
      invariant(r.settlements <= 1, "a request settles once");
      const nowSettled = r.outcome !== undefined && waiting.has(r.id);
      invariant(nowSettled === (r.id === settles), `reply ${JSON.stringify(strings)} settles request ${settles}`);
    }
    if (settles === undefined) continue;
    waiting.delete(settles);
    const { outcome } = requests[Number(settles) - 1];
    const expected = fault(strings, frames.length, named);
    if (expected) {
      invariant(outcome.error instanceof ProtocolError, `a bad reply fails with a ProtocolError, not ${outcome.error}`);
      invariant(outcome.error.zmtp === expected, `${expected}, not ${outcome.error.zmtp}`);
    } else {
      invariant(outcome.value, `a good reply resolves: ${outcome.error}`);
      const { statusCode, statusText, userId } = outcome.value;
      invariant(statusCode === strings[3] && statusText === strings[4] && userId === strings[5], "the reply");
    }
  }
  // The handler goes away: what still waits waits on, as with libzmq.
  connection.engineClosed();
  await turn();
  for (const r of requests) {
    invariant(r.settlements === (waiting.has(r.id) ? 0 : 1), "the handler's going settles nothing");
  }
  // A reply for each (as a new handler would give) settles it, once; its timer goes with it.
  for (const id of waiting)
    connection.engineMessage(
      engine,
      ["", "1.0", id, "200", "OK", "", ""].map((f) => Buffer.from(f)),
    );
  await turn();
  for (const r of requests) {
    invariant(r.settlements === 1, "every request is settled once");
    if (waiting.has(r.id)) invariant(r.outcome.value?.statusCode === "200", "the late reply admits");
  }
};

/** A reply's frames from the input. */
function replyFrom(input, requests) {
  const kind = input.byte();
  if (kind >= 0xc0) {
    // Raw frames: a field cut at its 0xff octets.
    const raw = input.field();
    const frames = [];
    let start = 0;
    for (let i = 0; i <= raw.length; i++) {
      if (i === raw.length || raw[i] === 0xff) {
        frames.push(Buffer.from(raw.subarray(start, i)));
        start = i + 1;
      }
    }
    return frames;
  }
  const idKind = input.byte() % 6;
  let id;
  if (idKind <= 2) id = String(1 + (input.byte() % requests.length));
  else if (idKind === 3) id = String(requests.length + 1 + (input.byte() % 3));
  else if (idKind === 4) id = `0${1 + (input.byte() % requests.length)}`;
  else id = input.field().toString("latin1");
  const code = kind & 0x20 ? input.field().toString("latin1") : STATUS[input.byte() % STATUS.length];
  const frames = [
    Buffer.alloc(0),
    Buffer.from("1.0"),
    Buffer.from(id, "latin1"),
    Buffer.from(code, "latin1"),
    Buffer.from(input.field()),
    Buffer.from(input.field()),
    Buffer.from(input.field()),
  ];
  // Broken on purpose, as the low bits say: a frame dropped, the delimiter or version changed.
  switch (kind & 7) {
    case 1:
      frames.splice(input.byte() % frames.length, 1);
      break;
    case 2:
      frames[0] = Buffer.from(input.field());
      break;
    case 3:
      frames[1] = Buffer.from(input.field());
      break;
    case 4:
      frames.push(Buffer.from(input.field()));
      break;
    default:
      break;
  }
  return frames;
}

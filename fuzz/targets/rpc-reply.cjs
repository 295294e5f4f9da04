// Replies, interim messages and signals as an RPCClient reads them (src/rpc/client.ts call(),
// getProperty(), setProperty(), stream(), the inventory; client-requests.ts onReply();
// client-stream.ts; client-signals.ts onPublication(); protocol.ts inventoryProblems() and
// plantrpcKeyProblems()), in process: one RPCClient whose request channel sends through a socket
// that records, fed the messages the input makes. The input is parts separated by FF FF: the
// first chooses what the client does (its first octet: fetch the inventory, call a JSON method,
// a buffer method, one with onProgress, get or set a property, read a stream, take a signal
// publication), the others are messages from the device, each [flags, body]: flags bits 0-1
// the request id (the action's, another call's, a stranger's, a 3-octet one), bits 2-3 the shape
// ([id, "", body], [id, "", kind, body...] an interim message, [id, "", body, bytes] a buffer
// reply, [id, body] no delimiter), bit 4 the interim kind (item or buffer item; progress
// otherwise when bit 5), bit 6 the body's JSON re-encoded as MessagePack; a body starting with
// 0x00 is a reply generated from the octets after it, with hostile values (see generated()).
// Invariants:
// - the action resolves, or rejects with a typed error: an RpcError (RemoteError,
//   RpcTimeoutError, ConnectionLostError...), the body's MessagePackError or SyntaxError (a
//   reply that is not JSON), or the harness's own abort (a call still waiting at the end);
// - a malformed message fails its own call only: another call waiting beside it, given its
//   well-formed reply afterwards, resolves to its result (unless the input answered it first);
//   an inventory the client accepted lets it call the first method it lists (no TypeError from
//   the inventory's extension key);
// - nothing is left unhandled (an unhandled rejection kills a client's process), and a signal
//   publication, whatever it holds, reaches listeners or is dropped without an exception.
const { Buffer, Cursor, invariant, load, parts, pythonJson } = require("./_lib.cjs");
const { setImmediate } = require("node:timers");

const { RPCClient } = load("rpc/client.js");
const { RequestChannel } = load("rpc/client-requests.js");
const { RpcError } = load("rpc/errors.js");
const { inventoryProblems, plantrpcKeyProblems } = load("rpc/protocol.js");
const { MessagePackError, encodeMessagePack } = load("common/msgpack.js");
const { parsePythonJson } = load("common/python-json.js");

exports.settings = { includes: ["dist/cjs/rpc", "dist/cjs/common"], sync: false };

const tick = () => new Promise((resolve) => setImmediate(resolve));

// ---- the client ----

const INVENTORY = {
  json_methods: { add: 10000, echo: null },
  buffer_methods: { image: 5000 },
  signals: ["moved"],
  properties: ["exposure"],
  name: "cam",
  plantrpc: {
    version: 1,
    encodings: ["json", "msgpack"],
    calls: ["cancel", "progress", "stream"],
    streams: { count: null },
  },
};

let sent = [];
const recorder = {
  send: async (frames) => {
    sent.push(frames.map((f) => Buffer.from(f)));
  },
};
const received = [];
const unhandled = [];
let client;
let channel;

/**
 * The client, made on the first input (not when the runner reads `settings`: a signal with a
 * listener holds the process). Its constructor is private to TypeScript only: it never connects.
 */
function setup() {
  client = new RPCClient("tcp://127.0.0.1:1", { encoding: "json", signals: false, logger: { warn() {} } });
  client.socket.close();
  channel = new RequestChannel(recorder, "tcp://127.0.0.1:1");
  Object.defineProperty(client, "requests", { value: channel });
  client.subscription.signal("moved").connect((...args) => received.push(args));
  process.on("unhandledRejection", (e) => unhandled.push(e));
}

// ---- generated replies: a body starting with 0x00 is built from the octets after it ----

const KEYS = ["success", "error", "traceback", "result", "value", "toString", "valueOf", "__proto__", "x"];

/** A value, hostile ones included (objects whose toString and valueOf are not functions). */
function value(c, depth = 0) {
  const deeper = depth < 3;
  return c.pick([
    null,
    true,
    false,
    () => c.byte() - 128,
    () => c.pick([Number.NaN, Number.POSITIVE_INFINITY, -0, 1e308, 1.5, 2 ** 53 + 2]),
    () => c.pick(["", "boom", "__proto__", "toString", "x".repeat(40)]),
    () => (deeper ? Array.from({ length: c.byte() % 4 }, () => value(c, depth + 1)) : []),
    () => (deeper ? object(c, c.byte() % 4, () => value(c, depth + 1)) : {}),
    () => ({ toString: 1 }),
    () => ({ toString: 1, valueOf: 1 }),
    () => 2n ** 64n - 1n,
    () => Buffer.from([1, 2, c.byte()]),
  ]);
}

function object(c, n, item) {
  const out = {};
  for (let i = 0; i < n; i++) {
    Object.defineProperty(out, c.pick(KEYS), { value: item(), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A reply, an inventory or a signal publication, each key present or not, its value hostile or not. */
function generated(c) {
  const reply = {};
  const field = (key, make) => {
    if (c.byte() % 3 !== 0) reply[key] = make();
  };
  field("success", () => c.pick([true, false, () => value(c)]));
  field("error", () => c.pick(["boom", () => value(c)]));
  field("traceback", () => c.pick(["Traceback...", () => value(c)]));
  field("result", () => value(c));
  field("value", () => value(c));
  field("signal_port", () => c.pick([5555, () => value(c)]));
  field("event", () => c.pick(["EMIT_SIGNAL", () => value(c)]));
  field("signal", () => c.pick(["moved", "other", () => value(c)]));
  field("args", () => value(c));
  field("json_methods", () =>
    c.pick([{ add: null }, { add: 1000, __proto__: null }, () => object(c, 2, () => value(c))]),
  );
  field("buffer_methods", () => c.pick([{}, { image: null }, () => value(c)]));
  field("signals", () => c.pick([[], ["moved"], () => value(c)]));
  field("properties", () => c.pick([[], ["exposure"], () => value(c)]));
  field("name", () => value(c));
  field("plantrpc", () =>
    c.pick([
      () => value(c),
      () => ({
        version: c.pick([1, () => value(c)]),
        encodings: c.pick([["json", "msgpack"], ["json"], () => value(c)]),
        calls: c.pick([["cancel", "progress", "stream"], () => value(c)]),
        streams: c.pick([{ count: null }, () => value(c)]),
        web: c.pick([undefined, { methods: "ws://h/", signals: "ws://h/signals" }, () => value(c)]),
      }),
    ]),
  );
  return reply;
}

/** JSON as Python writes it (NaN, Infinity; BigInts as numbers), or MessagePack. */
function encode(value, msgpack) {
  if (msgpack) return encodeMessagePack(value);
  return pythonJson(value);
}

function bodyOf(part, msgpack) {
  const body = Buffer.from(part);
  if (body[0] === 0) return encode(generated(new Cursor(body.subarray(1))), msgpack);
  if (!msgpack) return body;
  try {
    return encodeMessagePack(parsePythonJson(body.toString("utf8")));
  } catch {
    return body;
  }
}

// ---- messages ----

const idFrame = (id) => {
  const frame = Buffer.alloc(4);
  frame.writeUInt32BE(id >>> 0);
  return frame;
};

/** The frames a device message part stands for, given the ids of the action and of the other call. */
function frames(part, ids) {
  const flags = part[0] ?? 0;
  const body = bodyOf(part.subarray(1), (flags & 0x40) !== 0);
  const id = [idFrame(ids.action), idFrame(ids.other), idFrame(ids.action ^ 0x5a5a), Buffer.from([0, 0, 1])][flags & 3];
  const empty = Buffer.alloc(0);
  const kind = Buffer.from([flags & 0x10 ? (flags & 0x20 ? 0x42 : 0x49) : 0x50]);
  switch ((flags >> 2) & 3) {
    case 0:
      return [id, empty, body];
    case 1:
      return kind[0] === 0x42 ? [id, empty, kind, body, Buffer.from([9, 9])] : [id, empty, kind, body];
    case 2:
      return [id, empty, body, Buffer.from([1, 2, 3])];
    default:
      return [id, body];
  }
}

/** The id of the request the client sent last (what the device answers). */
const lastId = () => sent.at(-1)?.[0]?.readUInt32BE(0);

const typed = (e, abort) =>
  e instanceof RpcError || e instanceof MessagePackError || e instanceof SyntaxError || e === abort;

/** A promise followed from the start (a rejection is never unhandled): `result` once it settled. */
function track(promise) {
  const tracked = { result: undefined };
  promise.then(
    (value) => (tracked.result = { value }),
    (error) => (tracked.result = { error }),
  );
  return tracked;
}

/** Waits up to `turns` event-loop turns for a tracked promise; its outcome, or undefined if still waiting. */
async function outcome(tracked, turns) {
  for (let i = 0; i < turns && tracked.result === undefined; i++) await tick();
  return tracked.result;
}

/** What the client does, by the first part's first octet: starts it, returns its promise. */
function act(selector, signal, fed) {
  switch (selector % 8) {
    case 0:
      return client.fetchInventory();
    case 1:
      return client.call("add", [1, 2], {}, { signal });
    case 2:
      return client.call("image", [8], {}, { signal });
    case 3:
      return client.call("add", [1, 2], {}, { signal, onProgress: (v) => received.push(v) });
    case 4:
      return client.getProperty("exposure", { signal });
    case 5:
      return client.setProperty("exposure", 5, { signal });
    case 6: {
      const stream = client.stream("count", [3], {}, { window: 2, signal, timeout: null });
      return (async () => {
        const items = [];
        try {
          for (let i = 0; i < 6; i++) {
            const next = await outcome(track(stream.next()), 5);
            // After the first read (which sends the call), the rest once the device's messages came:
            // what came meanwhile waits in the stream's queue.
            if (i === 0) await fed;
            if (next === undefined) break; // nothing more came
            if (next.error) throw next.error;
            if (next.value.done) break;
            items.push(next.value.value);
          }
        } finally {
          await stream.return();
        }
        return items;
      })();
    }
    default:
      return undefined; // signal publications only
  }
}

exports.fuzz = async (data) => {
  if (!client) setup();
  sent = [];
  unhandled.length = 0;
  client.inventory = structuredClone(INVENTORY);
  const pieces = parts(Buffer.from(data), 6);
  const selector = pieces[0][0] ?? 0;
  client.encoding = selector & 8 ? "msgpack" : "json";
  const aborter = new AbortController();

  // Another call, waiting beside the action: a bad message must not fail it.
  const otherAborter = new AbortController();
  const other = track(client.call("add", [40, 2], {}, { signal: otherAborter.signal }));
  const otherId = lastId();
  let feedingDone;
  const fed = new Promise((resolve) => (feedingDone = resolve));
  const started = act(selector, aborter.signal, fed);
  const action = started && track(started);
  if (action && selector % 8 === 6) await tick(); // a stream sends its call on the first read
  const actionId = lastId();
  const ids = { action: actionId ?? 0, other: otherId };

  let otherAnswered = false;
  for (const part of pieces.slice(1)) {
    const message = frames(part, ids);
    if ((part[0] & 3) === 1 && (part[0] & 0x0c) !== 0x04 && (part[0] & 0x0c) !== 0x0c) otherAnswered = true;
    if (selector % 8 === 7) {
      // A publication: the body frame, as a SUB socket gives it.
      client.subscription.onPublication(message.at(-1));
      continue;
    }
    channel.onReply(message);
    await tick();
  }
  feedingDone();
  for (const f of [inventoryProblems, (v) => inventoryProblems(v, true), plantrpcKeyProblems]) {
    for (const part of pieces.slice(1)) {
      let decoded;
      try {
        decoded = JSON.parse(frames(part, ids).at(-1).toString());
      } catch {
        continue;
      }
      invariant(Array.isArray(f(decoded)), "the inventory's checks take any value");
    }
  }

  if (action) {
    let result = await outcome(action, 20);
    if (result === undefined) {
      aborter.abort(new Error("the harness gave up the call"));
      // GET_INVENTORY takes no signal: given up as its timeout would.
      if (selector % 8 === 0) channel.giveUp(ids.action, aborter.signal.reason);
      result = await outcome(action, 20);
      invariant(result !== undefined, "a call given up settles");
    }
    if (result.error) {
      invariant(typed(result.error, aborter.signal.reason), `the action failed untyped: ${result.error?.stack}`);
    } else if (selector % 8 === 0) {
      // An inventory accepted: the client can call what it lists.
      const name = Object.keys(client.inventory.json_methods)[0];
      if (name !== undefined && !Object.hasOwn(client.inventory.plantrpc?.streams ?? {}, name)) {
        const call = track(client.call(name, [], {}, { signal: aborter.signal }));
        await tick();
        channel.onReply([idFrame(lastId()), Buffer.alloc(0), Buffer.from('{"success": true, "result": 1}')]);
        const r = await outcome(call, 20);
        invariant(r !== undefined, "a call under the accepted inventory settles");
        invariant(!r.error || typed(r.error), `a call under the accepted inventory failed untyped: ${r.error?.stack}`);
      }
      // And read the first stream it lists (its idle timeout from the inventory), until nothing comes.
      const stream = Object.keys(client.inventory.plantrpc?.streams ?? {})[0];
      if (stream !== undefined) {
        const reading = client.stream(stream, [], {}, { signal: aborter.signal });
        const first = await outcome(track(reading.next()), 5);
        await reading.return();
        invariant(
          !first?.error || typed(first.error),
          `a stream under the accepted inventory failed untyped: ${first?.error?.stack}`,
        );
      }
    }
  }

  // The other call's reply, well-formed: it resolves to its result.
  channel.onReply([idFrame(otherId), Buffer.alloc(0), Buffer.from('{"success": true, "result": 42}')]);
  const r = await outcome(other, 20);
  if (r === undefined) otherAborter.abort();
  const settled = r ?? (await outcome(other, 20));
  invariant(settled !== undefined, "the other call settles");
  if (!otherAnswered) invariant(settled.value === 42, `the other call is not disturbed: ${settled.error?.stack}`);
  else invariant(!settled.error || typed(settled.error, otherAborter.signal.reason), "the other call fails typed");
  aborter.abort();
  await tick();
  invariant(unhandled.length === 0, `an unhandled rejection: ${unhandled[0]?.stack ?? unhandled[0]}`);
  received.length = 0;
};

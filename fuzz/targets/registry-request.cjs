// The device registry's request handling (src/registry/registry.ts handle(): REGISTER,
// UNREGISTER, CHECK_ALIVE, LIST, anything else), a pure function of the registry's state: each
// input is up to 8 requests (separated by FF FF) to a fresh DeviceRegistry (never bound,
// maxDevices 4); a request starting with 0x00 is generated from the octets after it (events,
// payloads with hostile values, the uuids the registry gave: see generated()), any other is the
// request's JSON as it comes. Its serving loop answers each request with handle()'s reply and
// nothing else: an exception there ends the loop, the registry answering no more. Invariants:
// - handle() never throws, and its reply encodes as JSON (what the loop sends) and reads back;
// - a reply is {event, payload}: REGISTER_ACK {name, uuid} (strings), ACK {req_event, success
//   (boolean)[, alive_timeout within 0..maxAliveTimeout]}, LIST_ACK {devices}, UNSUPPORTED
//   {req_event (string or null)[, error]};
// - state is consistent: a device accepted is listed (LIST_ACK and getDevices()) under the name
//   its REGISTER_ACK gave, with its type and address; each name and address once; at most
//   maxDevices; UNREGISTER of a uuid the registry gave removes that device, and says so.
const { Buffer, Cursor, invariant, load, parts } = require("./_lib.cjs");

const { DeviceRegistry } = load("registry/registry.js");
const { encodeBody } = load("common/codec.js");
const { parsePythonJson } = load("common/python-json.js");

exports.settings = { includes: ["dist/cjs/registry", "dist/cjs/common", "dist/cjs/util/unsafe-characters"] };

const MAX_DEVICES = 4;
const MAX_ALIVE = 86_400;

const NAMES = ["cam", "cam-1", "cam-2", "", "__proto__", "constructor", "toString", "a\u202eb", "n".repeat(129), "x-0"];
const TYPES = ["camera", "cnc", "", "__proto__", "t".repeat(65), "cam\n"];
const ADDRS = ["tcp://127.0.0.1:10001", "tcp://127.0.0.1:10002", "tcp://h:1", "", "a".repeat(257)];

/** A hostile value: what a client could send where a string or a number is expected. */
function value(c) {
  return c.pick([
    null,
    true,
    () => c.byte() - 128,
    () => c.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308, 0.5, -1]),
    () => c.pick(["", "20", "x".repeat(40)]),
    [],
    {},
    () => ({ toString: 1 }),
    () => ({ toString: 1, valueOf: 1 }),
    () => [{ toString: 1 }],
  ]);
}

/** A request built from choices; `uuids` are those the registry gave so far. */
function generated(c, uuids) {
  const event = c.pick(["REGISTER", "REGISTER", "UNREGISTER", "CHECK_ALIVE", "LIST", "OTHER", () => value(c)]);
  const payload = {};
  const field = (key, make) => {
    if (c.byte() % 4 !== 0) payload[key] = make();
  };
  field("device_type", () => (c.byte() % 6 === 5 ? value(c) : c.pick(TYPES)));
  field("addr", () => (c.byte() % 6 === 5 ? value(c) : c.pick(ADDRS)));
  field("name", () => (c.byte() % 6 === 5 ? value(c) : c.pick(NAMES)));
  field("overwrite", () => c.pick([true, false, () => value(c)]));
  field("uuid", () => (c.byte() % 4 === 3 ? value(c) : (uuids[c.byte() % Math.max(1, uuids.length)] ?? "none")));
  field("alive_timeout", () => c.pick([60, 0, -5, 1e9, 2.5, () => value(c)]));
  const request = { event };
  if (c.byte() % 8 !== 0) request.payload = c.byte() % 8 === 0 ? value(c) : payload;
  return request;
}

/** JSON as Python writes it (NaN, Infinity). */
function json(request) {
  const marks = [];
  const text = JSON.stringify(request, (_key, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      marks.push(String(v));
      return `\u0000${marks.length - 1}\u0000`;
    }
    return v;
  });
  return Buffer.from(
    text.replace(/"\\u0000(\d+)\\u0000"/g, (_, i) => marks[Number(i)]),
    "utf8",
  );
}

/** The request as the registry reads it, or undefined when it is not JSON. */
function readJson(body) {
  try {
    return parsePythonJson(Buffer.from(body).toString("utf8"));
  } catch {
    return undefined;
  }
}

/** A uuid as the registry looks it up (String() of it), or undefined when that throws. */
function text(v) {
  try {
    return String(v);
  } catch {
    return undefined;
  }
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** The registry's devices, by LIST_ACK: each name once, with its type and address. */
function listed(registry) {
  const reply = registry.handle(Buffer.from('{"event": "LIST", "payload": {}}'));
  invariant(reply.event === "LIST_ACK" && isObject(reply.payload.devices), "LIST answers LIST_ACK {devices}");
  const devices = parsePythonJson(encodeBody(reply, "json").toString("utf8")).payload.devices;
  return devices;
}

exports.fuzz = (data) => {
  const registry = new DeviceRegistry({ port: 0, maxDevices: MAX_DEVICES, maxAliveTimeout: MAX_ALIVE });
  registry.socket.close();
  const uuids = [];
  /** What the registry should hold, by uuid: { name, type, addr }. */
  const known = new Map();
  for (const part of parts(Buffer.from(data), 8)) {
    const request = part[0] === 0 ? generated(new Cursor(part.subarray(1)), uuids) : undefined;
    const body = request ? json(request) : part;
    let reply;
    try {
      reply = registry.handle(body);
    } catch (e) {
      invariant(false, `handle() threw (the registry would answer no more): ${e?.stack ?? e}`);
    }
    const back = parsePythonJson(encodeBody(reply, "json").toString("utf8"));
    invariant(
      isObject(back) && typeof back.event === "string" && isObject(back.payload),
      "a reply is {event, payload}",
    );
    const { payload } = reply;
    const asked = request ?? readJson(body);
    const fields = isObject(asked?.payload) ? asked.payload : {};
    switch (reply.event) {
      case "REGISTER_ACK": {
        invariant(typeof payload.name === "string" && typeof payload.uuid === "string", "REGISTER_ACK {name, uuid}");
        // The device replaced (same address, or same name with overwrite) is gone.
        for (const [uuid, device] of known) {
          if (device.addr === fields.addr || (fields.overwrite === true && device.name === fields.name)) {
            known.delete(uuid);
          }
        }
        known.set(payload.uuid, { name: payload.name, type: fields.device_type, addr: fields.addr });
        uuids.push(payload.uuid);
        break;
      }
      case "ACK": {
        invariant(typeof payload.success === "boolean", "ACK says success");
        invariant(payload.req_event === "UNREGISTER" || payload.req_event === "CHECK_ALIVE", "ACK names its request");
        if ("alive_timeout" in payload) {
          const t = payload.alive_timeout;
          invariant(typeof t === "number" && t >= 0 && t <= MAX_ALIVE, "the alive_timeout applied is within bounds");
        }
        if (payload.req_event === "UNREGISTER") {
          const uuid = text(fields.uuid);
          if (uuid !== undefined && known.has(uuid)) {
            invariant(payload.success === true, "UNREGISTER of a registered uuid succeeds");
            known.delete(uuid);
          }
        }
        break;
      }
      case "LIST_ACK":
        invariant(isObject(payload.devices), "LIST_ACK {devices}");
        break;
      case "UNSUPPORTED":
        invariant(payload.req_event === null || typeof payload.req_event === "string", "UNSUPPORTED names the event");
        break;
      default:
        invariant(false, `an unknown reply event ${reply.event}`);
    }
    // The state, as LIST and getDevices() give it, is what the replies said.
    const devices = listed(registry);
    const names = Object.keys(devices);
    invariant(names.length === known.size, `LIST lists every registered device (${names.length} of ${known.size})`);
    invariant(names.length <= MAX_DEVICES, "at most maxDevices");
    invariant(Object.keys(registry.getDevices()).length === known.size, "getDevices() has every registered device");
    for (const device of known.values()) {
      const entry = Object.hasOwn(devices, device.name) ? devices[device.name] : undefined;
      invariant(entry?.type === device.type && entry?.addr === device.addr, `${device.name} listed as registered`);
    }
    invariant(new Set(Object.values(devices).map((d) => d.addr)).size === names.length, "each address once");
  }
};

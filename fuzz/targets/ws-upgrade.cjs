// The WebSocket opening handshake, both ways. The input is an HTTP head (and what follows it),
// cut in chunks the input chooses: HeadReader reads it alone, then our server reads it as a
// connection's first octets (WebSocketListener's upgrade(), on a socket of the harness: HeadReader,
// parseHead, the request line, Upgrade/Connection, version, key, route, the access rules of
// ws-access.ts: Host, Origin, token; the Sec-WebSocket-Protocol offer; the 101 or the HTTP error),
// and our client reads it as the server's answer (checkResponse).
// Invariants:
//   - no exception escapes the server's data handler (it would crash a server); the client's
//     check throws HandshakeError only; HeadReader, parseHead and parseProtocolHeader throw nothing;
//   - the head is bounded: HeadReader gives a head of at most MAX_HEAD octets, "too large" exactly
//     when the blank line comes later (or not within MAX_HEAD + 3 octets), and the same head and
//     rest whatever the cutting (a second byte with 0x80 set pads the head to around MAX_HEAD);
//     the server answers "too large" with 431;
//   - the server answers a whole head with 101 or a refusal (400, 401, 403, 404, 426, 503) and
//     closes; an incomplete head gets nothing yet; its counts of connections are back to 0 once
//     the connection closes;
//   - an upgrade let in carries what its route asks: a key of 16 octets, an offered ZWS protocol
//     of the route's mechanism, the token (in Authorization or ?token=) where one is required,
//     and with an Origin, an allowed origin and host; the octets after the head reach the
//     connection; the 101 passes our client's check with the key and offer of the request;
//   - parseProtocolHeader reads the offer as the server splits it (trimmed, no empty names);
//   - a request our client builds (upgradeRequest, for an endpoint parsed from the input, with the
//     route's token in the query) is accepted, and the 101 answering it passes our client's check.
const { EventEmitter } = require("node:events");
const { Buffer, chunks, invariant, load, typedOnly } = require("./_lib.cjs");

const { HeadReader, MAX_HEAD, parseHead } = load("zmq/transport/ws/ws-handshake.js");
const { WebSocketListener } = load("zmq/transport/ws/ws-server.js");
const { HandshakeError, checkResponse, upgradeRequest } = load("zmq/transport/ws/ws-client.js");
const { chooseProtocol, mechanismOf, offeredProtocols, parseProtocolHeader } = load("zmq/transport/ws/zws.js");
const { hostName, normalizeOrigin, parseHosts, parseOrigins } = load("zmq/transport/ws/ws-origins.js");
const { parseEndpoint, parseWsAddress } = load("zmq/transport/endpoint.js");

exports.settings = {
  includes: ["ws/ws-handshake", "ws/ws-server", "ws/ws-client", "ws/ws-access", "ws/ws-origins", "ws/zws", "endpoint"],
};

/** The client's key in every response seed, whose Sec-WebSocket-Accept the seeds carry. */
const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const TOKEN = "s3cret-T0ken_x";
const ODD_TOKEN = "a+b/c=d%e f&g";
const REFUSALS = new Set([400, 401, 403, 404, 426, 503]);

// The refusals a route logs become process warnings: kept out of the fuzzer's output.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, options, ...rest) => {
  if (options?.type !== "PlantrpcWarning") emitWarning.call(process, warning, options, ...rest);
};

// The fuzzer's loop runs no event loop: the timers a run sets (the upgrade's deadline, a
// refusal's grace) are cleared at its end, as the close that ends each run would in a server.
const timers = new Set();
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (...args) => {
  const timer = realSetTimeout(...args);
  timers.add(timer);
  return timer;
};
function clearTimers() {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
}

// One listener for every run, its routes in place; only its address is asked of its server (logs).
const listener = new WebSocketListener({ address: () => ({ address: "127.0.0.1", port: 9 }) });
const accepted = [];
const ROUTES = {};
function addRoute(path, mechanism, access, maxConnections = 0) {
  const accept = (connection, protocol) => accepted.push({ path, connection, protocol });
  ROUTES[path] = { mechanism, maxPayload: 0, access, messageTimeout: 0, maxConnections, accept };
  listener.routes.set(path, ROUTES[path]);
}
addRoute("/", "NULL", { origins: new Set() });
addRoute("/open", "NULL", { origins: "*" });
addRoute("/token", "PLAIN", { origins: "*", token: TOKEN });
addRoute("/odd", "NULL", { origins: new Set(), token: ODD_TOKEN });
addRoute("/pages", "CURVE", {
  origins: parseOrigins("http://localhost:8080, https://Lab.Example null"),
  hosts: parseHosts("localhost 127.0.0.1 [::1]:80 lab.example"),
  token: TOKEN,
});
addRoute("/full", "NULL", { origins: "*" }, 1);
listener.perRoute.set(ROUTES["/full"], 1);
const PATHS = Object.keys(ROUTES).filter((p) => p !== "/full");

/** A socket as far as the listener and WebSocketConnection use one: it records what is written. */
class FakeSocket extends EventEmitter {
  written = [];
  ended = false;
  destroyed = false;
  writableLength = 0;
  remoteAddress = "127.0.0.1";
  remotePort = 5;
  write(data) {
    this.written.push(Buffer.from(data));
    return true;
  }
  end(data) {
    if (data !== undefined) this.write(data);
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
  }
  setNoDelay() {}
  pause() {}
  resume() {}
  unref() {}
  cork() {}
  uncork() {}
}

/** What HeadReader must give for `stream`, from the position of its first blank line. */
function expectedHead(stream) {
  const end = stream.indexOf("\r\n\r\n");
  if (end > MAX_HEAD) return "too large";
  if (end >= 0) return { head: stream.toString("latin1", 0, end), rest: stream.subarray(end + 4) };
  return stream.length - 3 > MAX_HEAD ? "too large" : undefined;
}

/** The head as HeadReader gives it from `pieces`, with what came after it. */
function readHead(pieces) {
  const reader = new HeadReader();
  for (let i = 0; i < pieces.length; i++) {
    const out = reader.push(pieces[i]);
    if (out === undefined) continue;
    if (out === "too large") return out;
    return { head: out.head, rest: Buffer.concat([out.rest, ...pieces.slice(i + 1)]) };
  }
  return undefined;
}

function sameHead(a, b) {
  if (typeof a !== "object" || typeof b !== "object") return a === b;
  return a.head === b.head && a.rest.equals(b.rest);
}

/** The head's length brought to around MAX_HEAD by a filler field after the first line. */
function padded(input, flags) {
  if (!(flags & 0x80)) return input;
  const target = MAX_HEAD - 48 + (flags & 0x7f) - input.length;
  if (target < 0) return input;
  const line = input.indexOf("\r\n");
  const at = line < 0 ? input.length : line + 2;
  const filler = Buffer.from(`X-Fill: ${"f".repeat(target)}\r\n`, "latin1");
  return Buffer.concat([input.subarray(0, at), filler, input.subarray(at)]);
}

/**
 * A connection to the listener that sends `pieces` until it is answered, then closes: what the
 * server wrote, whether it ended the connection, what it let in, and the pieces not sent.
 */
function connect(pieces) {
  const socket = new FakeSocket();
  accepted.length = 0;
  let sent = 0;
  try {
    listener.upgrade(socket);
    for (; sent < pieces.length && socket.written.length === 0; sent++) socket.emit("data", pieces[sent]);
  } finally {
    socket.emit("close");
    clearTimers();
  }
  invariant(listener.upgrading === 0 && listener.connections === 0, "the listener's counts back to 0 once closed");
  const answer = Buffer.concat(socket.written).toString("latin1");
  return { answer, ended: socket.ended, let: accepted.splice(0), later: pieces.slice(sent) };
}

/** The status of an HTTP answer, and its head. */
function statusOf(answer) {
  const end = answer.indexOf("\r\n\r\n");
  invariant(end > 0, "a whole HTTP answer");
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]), head: answer.slice(0, end) };
}

/** The token a request presents, by a reading of its own: in Authorization or the query. */
function presents(headers, target, token) {
  if ((headers.get("authorization") ?? "").includes(token)) return true;
  try {
    return new URL(target, "http://host").searchParams.getAll("token").includes(token);
  } catch {
    return false;
  }
}

/** The offer as parseProtocolHeader reads it, checked against the server's own split. */
function offerOf(headers) {
  const header = headers.get("sec-websocket-protocol");
  const offer = parseProtocolHeader(header);
  const split = (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  invariant(
    offer.length === split.length && offer.every((p, i) => p === split[i]),
    "the offer as the server splits it",
  );
  for (const mechanism of ["NULL", "PLAIN", "CURVE"]) {
    const chosen = chooseProtocol(mechanism, offer);
    invariant(
      chosen === undefined || (offer.includes(chosen) && mechanismOf(chosen) !== undefined),
      "chosen of the offer",
    );
  }
  return offer;
}

/** What the server did with a connection whose first octets hold `expected`. */
function checkServer(expected, outcome) {
  if (expected === undefined) {
    invariant(outcome.answer === "" && !outcome.ended, "no answer to an incomplete head");
    return;
  }
  const { status, head: answerHead } = statusOf(outcome.answer);
  if (expected === "too large") {
    invariant(status === 431 && outcome.ended, "431 to a head too large");
    return;
  }
  const { firstLine, headers } = parseHead(expected.head);
  invariant(!firstLine.includes("\r\n"), "one first line");
  for (const name of headers.keys()) invariant(name === name.toLowerCase() && name === name.trim(), "names lower case");
  const offer = offerOf(headers);
  if (status !== 101) {
    invariant(REFUSALS.has(status), `a refusal is 400/401/403/404/426/503, not ${status}`);
    invariant(outcome.ended && outcome.let.length === 0, "a refusal lets nothing in and closes");
    return;
  }
  invariant(outcome.let.length === 1 && !outcome.ended, "a 101 lets one connection in");
  const [{ path, connection, protocol }] = outcome.let;
  const target = /^GET (\S+) HTTP\/1\.1$/.exec(firstLine)?.[1];
  invariant(target !== undefined, "let in: a GET request line");
  const key = headers.get("sec-websocket-key") ?? "";
  invariant(Buffer.from(key, "base64").length === 16, "let in: a key of 16 octets");
  const { access, mechanism } = ROUTES[path];
  invariant(offer.includes(protocol), "let in: a protocol the client offered");
  const agreed = mechanismOf(protocol);
  invariant(agreed === mechanism || (mechanism === "NULL" && agreed === ""), "let in: the route's mechanism");
  if (access.token !== undefined) invariant(presents(headers, target, access.token), "let in: the token presented");
  const origin = headers.get("origin");
  if (origin !== undefined) {
    if (access.origins !== "*") invariant(access.origins.has(normalizeOrigin(origin)), "let in: an allowed origin");
    if (access.hosts) invariant(access.hosts.has(hostName(headers.get("host") ?? "")), "let in: an allowed host");
  }
  invariant(Buffer.concat([connection.unread, ...outcome.later]).equals(expected.rest), "the octets after the head");
  invariant(checkResponse(answerHead, key, offer) === protocol, "our client takes the 101");
}

/** Our client's check of a response head, against an offer it may have made (none, or a mechanism's). */
function checkClient(head, flags) {
  const protocols = [[], ...["NULL", "PLAIN", "CURVE"].map(offeredProtocols)][flags & 3];
  const protocol = typedOnly(() => checkResponse(head, KEY, protocols), HandshakeError);
  if (protocol === undefined) return;
  invariant(/^HTTP\/1\.1 101/.test(head), "a 101 answer");
  invariant(protocols.length === 0 || protocols.includes(protocol), "a protocol we offered");
  mechanismOf(protocol);
}

/** A request our client would send to one of the routes, from an endpoint the input names. */
function roundTrip(text, flags, key) {
  const path = PATHS[(flags >> 4) % PATHS.length];
  const { mechanism, access } = ROUTES[path];
  let host = "127.0.0.1";
  let port = 5555;
  const address = typedOnly(() => parseWsAddress(parseEndpoint(`ws://${text}`).address, false));
  if (address) ({ host, port } = address);
  const query = access.token === undefined ? "" : `?token=${encodeURIComponent(access.token)}`;
  const protocols = offeredProtocols(mechanism);
  const request = Buffer.from(upgradeRequest(host, port, path + query, key, protocols));
  const outcome = connect(chunks(Buffer.concat([Buffer.from([flags]), request])));
  const { status, head } = statusOf(outcome.answer);
  invariant(status === 101, `our request is accepted, not answered ${status}`);
  invariant(outcome.let.length === 1 && outcome.let[0].path === path, "on the route it names");
  invariant(checkResponse(head, key, protocols) === protocols[0], "our client takes our server's answer");
}

exports.fuzz = (data) => {
  const flags = data[1] ?? 0;
  const stream = padded(Buffer.from(data.subarray(2)), flags);
  const expected = expectedHead(stream);
  invariant(
    sameHead(readHead([stream]), expected),
    "HeadReader ends the head at the first blank line, within MAX_HEAD",
  );
  // A padded head comes in one piece up to near the limit, then in chunks: the limit is what matters.
  const early = flags & 0x80 ? Math.max(0, Math.min(stream.length, MAX_HEAD - 256)) : 0;
  const pieces = [
    ...(early > 0 ? [stream.subarray(0, early)] : []),
    ...chunks(Buffer.concat([data.subarray(0, 1), stream.subarray(early)])),
  ];
  if (stream.length > 0) invariant(sameHead(readHead(pieces), expected), "the cutting does not change the head");
  if (typeof expected === "object") invariant(expected.head.length <= MAX_HEAD, "a head of at most MAX_HEAD octets");
  checkServer(expected, connect(pieces));
  if (typeof expected === "object") checkClient(expected.head, flags);
  const text = stream.toString(flags & 0x40 ? "utf8" : "latin1");
  // The client's key: 16 octets, here the input's first ones.
  const key = Buffer.concat([stream.subarray(0, 16), Buffer.alloc(16)])
    .subarray(0, 16)
    .toString("base64");
  roundTrip(text.slice(0, text.search(/[\r\n]|$/)), flags, key);
};

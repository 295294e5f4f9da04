// What decides admission on the browser-facing side, from what a browser (or anyone) sends: the
// dashboard's HTTP checks (web/http-guard.ts checkRequest, on the request target as the dashboard
// makes it a URL), the gateway's WebSocket checks (ws-access.ts checkAccess, under the access the
// gateway and dashboard set: their host names, their own origins, a token), tokensEqual
// (util/tokens.ts), the headers a response builds from the Host (securityHeaders,
// gatewaySource), shownUrl (util/shown-url.ts), webSocketOptions' token rule, and the gateway's
// device address filter (gateway/access.ts AddressFilter, isLoopback). The input is latin1 text
// (as Node gives request targets and headers), in lines: request target, Host, Origin,
// Authorization, an address list, an address, a token; a line left out is a header not sent. The
// first byte chooses the access and which lines are sent.
// Invariants:
//   - nothing throws, but AddressFilter's TypeError ("not an address or an IPv4 range") and
//     webSocketOptions' TypeError for a token under 8 characters (and exactly then);
//   - never admitted without the token where one is required: admitted means the token is in the
//     Authorization header or the query; no token at all is 401, a wrong one 403; the same request
//     with the token removed is refused, with the right one (and an allowed Host and Origin) let in;
//   - the Host names an allowed host where hosts are checked (always for the dashboard, with an
//     Origin for WebSockets), the Origin an allowed origin;
//   - tokensEqual(a, b) exactly when a and b are the same text;
//   - the response headers built from any Host a request may carry are valid header values;
//   - shownUrl leaves no value of a parameter named token (as written) in a URL parseRpcUrl takes;
//   - AddressFilter lets in its exact entries and, by a range, only an IPv4 address written as
//     the system resolver reads it (no leading zeros: "0177.0.0.1" is 127.0.0.1 to it), within
//     the range by an independent reckoning.
const http = require("node:http");
const { Buffer, invariant, load } = require("./_lib.cjs");

const { checkRequest, gatewaySource, securityHeaders } = load("web/http-guard.js");
const { checkAccess } = load("zmq/transport/ws/ws-access.js");
const { hostName, parseOrigins, splitList } = load("zmq/transport/ws/ws-origins.js");
const { tokensEqual } = load("util/tokens.js");
const { shownUrl } = load("util/shown-url.js");
const { AddressFilter, isLoopback, localHostNames } = load("gateway/access.js");
const { webSocketOptions } = load("rpc/web-access.js");
const { parseRpcUrl } = load("rpc/url.js");
const { RpcError } = load("rpc/errors.js");

exports.settings = {
  includes: ["web/http-guard", "ws/ws-access", "ws/ws-origins", "util/tokens", "util/shown-url", "gateway/access"],
};

const TOKEN = "Tk_9f-Zq8sLm3xQ";
const LOCAL = localHostNames("127.0.0.1");
const HOSTS = new Set([...LOCAL, "lab.example"]);
const OWN = parseOrigins(LOCAL.map((h) => `http://${h.includes(":") ? `[${h}]` : h}:8080`).join(" "));
/** The dashboard's guards and the gateway's accesses the input chooses among. */
const GUARDS = [
  { hosts: HOSTS, token: TOKEN },
  { hosts: undefined, token: TOKEN },
  { hosts: HOSTS, token: undefined },
  { hosts: new Set(["lab.example"]), token: "a+b c&d=%" },
];
const ACCESSES = [
  { origins: OWN, hosts: HOSTS, token: TOKEN },
  { origins: "*", token: TOKEN },
  { origins: new Set(), hosts: new Set(localHostNames("0.0.0.0")) },
  { origins: parseOrigins("https://lab.example null"), hosts: new Set(["lab.example"]), token: "a+b c&d=%" },
];

/** The dashboard's reading of a request target: a URL, or none (400). */
function requestUrl(target) {
  try {
    return new URL(target ?? "/", "http://host");
  } catch {
    return undefined;
  }
}

/** Whether the request shows `token`, by a reading of its own: in Authorization or the query. */
function presents(authorization, target, token) {
  if ((authorization ?? "").includes(token)) return true;
  return requestUrl(target)?.searchParams.getAll("token").includes(token) ?? false;
}

/** The target without any token in its query (as a path and query, like a request target). */
function withoutToken(target) {
  const url = requestUrl(target);
  if (!url) return undefined;
  url.searchParams.delete("token");
  // A path of "//..." reads as a host when it comes back: then there is no such target.
  const bare = `${url.pathname}${url.search}`;
  return requestUrl(bare) && bare;
}

function dashboard(guard, lines) {
  const [target, host, , authorization] = lines;
  const url = requestUrl(target);
  if (!url) return;
  const headers = {};
  if (host !== undefined) headers.host = host;
  if (authorization !== undefined) headers.authorization = authorization;
  const refusal = checkRequest(guard, { headers }, url);
  if (refusal) {
    invariant(refusal.status === 401 || refusal.status === 403, "401 or 403");
    if (refusal.status === 401) {
      const scheme = /^(?:token|bearer)\s+\S+$/i.test(authorization ?? "");
      invariant(!scheme && url.searchParams.get("token") === null, "401: no token given");
    }
  } else {
    if (guard.hosts) invariant(guard.hosts.has(hostName(host ?? "")), "admitted: a host of this machine");
    if (guard.token !== undefined) invariant(presents(authorization, target, guard.token), "admitted: the token");
  }
  const bare = withoutToken(target);
  if (guard.token !== undefined && bare !== undefined) {
    const stripped = { headers: host === undefined ? {} : { host } };
    invariant(checkRequest(guard, stripped, requestUrl(bare)) !== undefined, "never admitted without the token");
  }
  // A Host as Node's parser gives it (no control characters but tab, trimmed) makes valid headers.
  if (host !== undefined && /^[\t\x20-\x7e\x80-\xff]*$/.test(host)) {
    const values = securityHeaders(gatewaySource(hostName(host.trim()), 8081));
    for (const [name, value] of Object.entries(values)) http.validateHeaderValue(name, value);
  }
}

function gateway(access, lines) {
  const [target = "/", host, origin, authorization] = lines;
  const headers = new Map();
  if (host !== undefined) headers.set("host", host);
  if (origin !== undefined) headers.set("origin", origin);
  if (authorization !== undefined) headers.set("authorization", authorization);
  const refusal = checkAccess(access, headers, target);
  if (refusal) {
    invariant(refusal.status === 401 || refusal.status === 403, "401 or 403");
    invariant(!/[^\x20-\x7e]/.test(refusal.reason), "a reason fit for a log line");
  } else {
    if (access.token !== undefined) invariant(presents(authorization, target, access.token), "admitted: the token");
    if (origin !== undefined && access.hosts) invariant(access.hosts.has(hostName(host ?? "")), "admitted: a host");
  }
  if (access.token !== undefined) {
    const bare = withoutToken(target);
    if (bare !== undefined) {
      headers.delete("authorization");
      const stripped = checkAccess(access, headers, bare);
      invariant(stripped !== undefined, "never admitted without the token");
      // The token, from an allowed page on an allowed host, is let in.
      // The same query with the token, on a plain path ("//..." would read as a host).
      const params = requestUrl(bare).searchParams;
      params.append("token", access.token);
      const page = access.origins === "*" ? (origin ?? "http://x") : [...access.origins][0];
      const good = new Map([["host", [...(access.hosts ?? ["any"])][0]]]);
      if (page !== undefined) good.set("origin", page);
      invariant(checkAccess(access, good, `/device?${params}`) === undefined, "the token lets in");
    }
  }
}

function tokens(lines) {
  const [a = "", , , b = ""] = lines;
  for (const [x, y] of [
    [a, b],
    [b, TOKEN],
    [a, a],
    [Buffer.from(a, "latin1").toString("utf8"), b],
  ]) {
    invariant(tokensEqual(x, y) === (x === y), `tokensEqual(${JSON.stringify(x)}, ${JSON.stringify(y)})`);
  }
  const token = lines[6];
  if (token === undefined) return;
  try {
    webSocketOptions({ token });
    invariant(token.length >= 8, "a token of at least 8 characters");
  } catch (e) {
    if (!(e instanceof TypeError) || token.length >= 8) throw e;
  }
}

function shown(lines) {
  const text = lines[0] ?? "";
  const out = shownUrl(text);
  let url;
  try {
    url = parseRpcUrl(text);
  } catch (e) {
    if (!(e instanceof RpcError)) throw e;
    return;
  }
  if (!url.query) return;
  // Parameters named token as written (shownUrl does not decode names: "%74oken=" shows, see the report).
  const mark = out.indexOf("?");
  for (const part of mark < 0 ? [] : out.slice(mark + 1).split("&")) {
    const [name, ...value] = part.split("=");
    if (/^token$/i.test(name) && value.length > 0) {
      invariant(value.join("=") === "***" || value.join("=") === "", `the token shows: ${JSON.stringify(out)}`);
    }
  }
}

/** The 32-bit value of a dotted quad written as the resolver reads it (no leading zeros), or undefined. */
function canonicalIPv4(text) {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(text);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return m.slice(1).map((o) => Number(o).toString(2).padStart(8, "0"));
}

function addresses(lines) {
  const entries = splitList(lines[4] ?? "");
  let filter;
  try {
    filter = new AddressFilter(entries);
  } catch (e) {
    if (!(e instanceof TypeError) || !/is not an address or an IPv4 range/.test(e.message)) throw e;
    return;
  }
  const exact = new Set();
  const ranges = [];
  for (const entry of entries) {
    const [address = "", bits] = entry.trim().toLowerCase().split("/");
    if (bits === undefined) {
      exact.add(address.replace(/^\[|\]$/g, ""));
      invariant(filter.allows(entry), `the entry ${entry} is let in`);
    } else {
      ranges.push({ base: canonicalIPv4(address), bits: Number(bits) });
      invariant(filter.allows(address), `the range's own address ${address} is let in`);
    }
  }
  const host = lines[5] ?? "";
  isLoopback(host);
  if (!filter.allows(host)) return;
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (exact.has(h)) return;
  const quad = canonicalIPv4(h);
  invariant(quad !== undefined, `${host} let in by a range: an address as the resolver reads it`);
  const bitsOf = (q) => q.join("");
  invariant(
    ranges.some((r) => r.base && bitsOf(quad).slice(0, r.bits) === bitsOf(r.base).slice(0, r.bits)),
    `${host} within a range`,
  );
}

exports.fuzz = (data) => {
  const config = data[0] ?? 0;
  const lines = Buffer.from(data.subarray(1)).toString("latin1").split("\n");
  // Which of the headers are sent (the config's high bits leave some out).
  if (config & 0x10) lines[1] = undefined;
  if (config & 0x20) lines[2] = undefined;
  if (config & 0x40) lines[3] = undefined;
  dashboard(GUARDS[config & 3], lines);
  gateway(ACCESSES[(config >> 2) & 3], lines);
  tokens(lines);
  shown(lines);
  addresses(lines);
};

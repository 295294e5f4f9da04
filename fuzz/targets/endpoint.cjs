// Endpoint and URL strings, from the input as text (the first byte's low bit: latin1 or utf8):
// parseEndpoint, parseTcpAddress, parseWsAddress, endpointPort (transport/endpoint.ts), parseRpcUrl,
// parseWebUrl, signalsEndpoint (rpc/url.ts), parseOrigins, parseHosts, normalizeOrigin, hostName,
// splitList (transport/ws/ws-origins.ts), each on the whole text; the address parsers on what
// follows its scheme (or on the whole text, as an endpoint's address), as parseEndpoint gives it.
// Invariants:
//   - each refuses with its documented error only: ZmqError (EINVAL, EPROTONOSUPPORT) for the
//     transport's, RpcError for rpc/url.ts's, TypeError "... is not an origin" for parseOrigins;
//     normalizeOrigin, hostName, parseHosts and splitList refuse nothing;
//   - what is parsed is well formed: a port in 0..65535 (not 0, host not "*", to connect), a
//     ws path starting with "/" without blanks, "?" or "#", a query only to connect;
//   - printed back (formatTcpEndpoint, formatWsEndpoint, formatRpcUrl, the origins joined), it
//     parses the same (origins: but for a host with a comma, %2C, which a list cannot hold); a
//     normalised origin normalises to itself; a host list takes its own names
//     as Host headers give them (with a port, in brackets for IPv6).
const { Buffer, invariant, load, typedOnly } = require("./_lib.cjs");

const { ZmqError } = load("zmq/errors.js");
const { RpcError } = load("rpc/errors.js");
const endpoint = load("zmq/transport/endpoint.js");
const url = load("rpc/url.js");
const origins = load("zmq/transport/ws/ws-origins.js");

exports.settings = { includes: ["transport/endpoint", "rpc/url", "ws/ws-origins", "util/shown-url"] };

/** The transport's parsers: the value, or undefined when refused with EINVAL or EPROTONOSUPPORT. */
function zmq(step) {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof ZmqError)) throw e;
    invariant(e.code === "EINVAL" || e.code === "EPROTONOSUPPORT", `refused with ${e.code}`);
    return undefined;
  }
}

const isPort = (port) => Number.isInteger(port) && port >= 0 && port <= 65535;

function tcp(address) {
  for (const forBind of [true, false]) {
    const parsed = zmq(() => endpoint.parseTcpAddress(address, forBind));
    if (!parsed) continue;
    const { host, port } = parsed;
    invariant(isPort(port), `a port, not ${port}`);
    if (!forBind) invariant(port !== 0 && host !== "*", "a host and a port to connect");
    const printed = endpoint.formatTcpEndpoint(host, port);
    const back = zmq(() => endpoint.parseTcpAddress(endpoint.parseEndpoint(printed).address, forBind));
    invariant(back?.host === host && back.port === port, `${JSON.stringify(printed)} parses back the same`);
  }
}

function ws(address) {
  for (const forBind of [true, false]) {
    const parsed = zmq(() => endpoint.parseWsAddress(address, forBind));
    if (!parsed) continue;
    const { host, port, path, query } = parsed;
    invariant(isPort(port), `a port, not ${port}`);
    invariant(path.startsWith("/") && !/[\s?#]/.test(path), "a path");
    invariant(query === "" || (query.startsWith("?") && !/[\s#]/.test(query) && !forBind), "a query, to connect");
    for (const scheme of ["ws", "wss"]) {
      const printed = endpoint.formatWsEndpoint(scheme, host, port, path) + query;
      const back = zmq(() => endpoint.parseWsAddress(endpoint.parseEndpoint(printed).address, forBind));
      invariant(
        back?.host === host && back.port === port && back.path === path && back.query === query,
        `${JSON.stringify(printed)} parses back the same`,
      );
    }
  }
}

function rpcUrl(text) {
  const parsed = typedOnly(() => url.parseRpcUrl(text), RpcError);
  const web = typedOnly(() => url.parseWebUrl(text), RpcError);
  invariant(!web || (parsed && (web.scheme === "ws" || web.scheme === "wss")), "a web url is a ws:// or wss:// url");
  if (!parsed) return;
  const { scheme, host, port, path, query } = parsed;
  invariant(port === undefined || isPort(port), `a port, not ${port}`);
  invariant(path === "" || (path.startsWith("/") && path.length > 1), "a path");
  invariant((path === "" && query === "") || scheme === "ws" || scheme === "wss", "a path or query only on ws://");
  const printed =
    port === undefined ? `${scheme}://${host}${path}${query}` : url.formatRpcUrl(scheme, host, port, path, query);
  const back = typedOnly(() => url.parseRpcUrl(printed), RpcError);
  invariant(
    back?.scheme === scheme && back.host === host && back.port === port && back.path === path && back.query === query,
    `${JSON.stringify(printed)} parses back the same`,
  );
  const signals = url.signalsEndpoint(text, 5000);
  const there = url.parseRpcUrl(signals);
  invariant(there.scheme === scheme && there.host === host && there.port === 5000, "the signals endpoint: same host");
}

function originList(text) {
  let list;
  try {
    list = origins.parseOrigins(text);
  } catch (e) {
    if (!(e instanceof TypeError) || !/ is not an origin /.test(e.message)) throw e;
    return;
  }
  if (list === "*") {
    invariant(origins.splitList(text).includes("*"), "any origin only for *");
    return;
  }
  for (const origin of list) invariant(origins.normalizeOrigin(origin) === origin, `${origin} normalises to itself`);
  // A host may hold a comma (written %2C): the list format has no way to say it again.
  if ([...list].some((o) => o.includes(","))) return;
  const back = origins.parseOrigins([...list].join(" "));
  invariant(back !== "*" && back.size === list.size && [...list].every((o) => back.has(o)), "the origins back");
}

function hostList(text) {
  const hosts = origins.parseHosts(text);
  const entries = origins.splitList(text);
  if (hosts === undefined) {
    invariant(entries.includes("*"), "any host only for *");
    return;
  }
  for (const entry of entries) {
    // The name as a Host header gives it: in capitals with a port, an IPv6 address in brackets.
    const name = origins.hostName(entry);
    invariant(hosts.has(name), `${entry} is taken`);
    if (!/^[\x21-\x7e]+$/.test(name) || /[[\]]/.test(name)) continue;
    const header = name.includes(":") ? `[${name}]:8080` : `${name.toUpperCase()}:8080`;
    invariant(hosts.has(origins.hostName(header)), `the Host header ${header} of ${entry} is taken`);
  }
}

exports.fuzz = (data) => {
  const text = Buffer.from(data.subarray(1)).toString((data[0] ?? 0) & 1 ? "utf8" : "latin1");
  for (const entry of origins.splitList(text)) invariant(entry !== "" && !/[\s,]/.test(entry), "list entries");
  const name = origins.hostName(text);
  invariant(name === name.toLowerCase(), "host names in lower case");
  const origin = origins.normalizeOrigin(text);
  invariant(origin === undefined || origins.normalizeOrigin(origin) === origin, "a normalised origin is one");
  const parsed = zmq(() => endpoint.parseEndpoint(text));
  if (parsed) {
    invariant(`${parsed.scheme}://${parsed.address}` === text, "scheme and address are the endpoint");
    const port = zmq(() => endpoint.endpointPort(text));
    invariant(port === undefined || (parsed.scheme === "tcp" && isPort(port)), "endpointPort: a tcp port");
  }
  // The address parsers, on what follows a scheme (or the whole text), as parseEndpoint gives it
  // (every caller's way: no line breaks).
  const address = parsed ? parsed.address : zmq(() => endpoint.parseEndpoint(`tcp://${text}`))?.address;
  if (address !== undefined) {
    tcp(address);
    ws(address);
  }
  rpcUrl(text);
  originList(text);
  hostList(text);
};

/**
 * Where a device listens (protocol-spec/rpc.md, sections 1 and 7): its URL, on a free port of
 * the reference's range when the URL has none, and its web endpoint (methods at the path,
 * signals at `<path>/signals` on the same port).
 */
import { endpointPort, type Router, type ZmqError } from "../zmq/index.js";
import { RpcError } from "./errors.js";
import { RANDOM_PORT_RANGE } from "./server-options.js";
import { formatRpcUrl, type RpcUrl } from "./url.js";

/** Binds the device's URL; resolves to the endpoint and port bound. */
export async function bindRpcUrl(
  socket: Router,
  { scheme, host, port }: RpcUrl,
): Promise<{ endpoint: string; port: number }> {
  if (port !== undefined) await socket.bind(formatRpcUrl(scheme, host, port));
  else await bindRandomPort(socket, scheme, host);
  const endpoint = socket.lastEndpoint!;
  return { endpoint, port: endpointPort(endpoint) };
}

/** Binds the method socket at the web path; resolves to the methods and signals endpoints. */
export async function bindWebUrl(
  socket: Router,
  { scheme, host, port, path }: RpcUrl,
): Promise<{ methods: string; signals: string }> {
  await socket.bind(formatRpcUrl(scheme, host, port ?? 0, path || "/"));
  const methods = socket.lastEndpoint!;
  const bound = new URL(methods);
  const signals = formatRpcUrl(scheme, host, Number(bound.port), `${path.replace(/\/$/, "")}/signals`);
  return { methods, signals };
}

/** Binds a random port in [10000, 12000) (RANDOM_PORT_RANGE), another while one is in use (100 tries). */
async function bindRandomPort(socket: Router, scheme: string, host: string): Promise<void> {
  const [low, high] = RANDOM_PORT_RANGE;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    try {
      await socket.bind(formatRpcUrl(scheme, host, port));
      return;
    } catch (e) {
      if ((e as ZmqError).code !== "EADDRINUSE") throw e;
    }
  }
  throw new RpcError(`no free port in [${low}, ${high}) on ${host}`);
}

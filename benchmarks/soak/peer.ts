// One process of the soak run: `peer.js registry` or `peer.js device <name> <registry url> [port]`.
// Prints "READY <port>", then a JSON line of figures every second, until killed.
import { patternBytes } from "../../conformance/helpers/pattern.js";
import { DeviceRegistry, RPCServer, RPCSignal, registerToRegistry } from "../../src/index.js";

const [role, name = "device", registryUrl = "", portArg] = process.argv.slice(2);

/** The figures the driver charts: memory always, a device's counters too. */
const counters = { executed: 0, duplicates: 0, emitted: 0 };

function report(): void {
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ rss, heap: heapUsed, ...counters })}\n`);
}

async function serveRegistry(): Promise<number> {
  const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0, registrationTimeout: 5 });
  await registry.start();
  return registry.port;
}

/**
 * echo(x) with x = { lane, seq }: each lane calls one at a time with growing seq, so a seq not
 * above the lane's last one means a request executed twice (or out of order).
 */
async function serveDevice(): Promise<number> {
  // --curve (the driver's environment): served over CURVE, the driver's client key alone admitted.
  const secretKey = process.env.PLANTRPC_SOAK_DEVICE_SECRET;
  const client = process.env.PLANTRPC_SOAK_CLIENT_PUBLIC;
  const server = new RPCServer({
    url: portArg ? `tcp://127.0.0.1:${portArg}` : "tcp://127.0.0.1:0",
    ...(secretKey && client ? { curve: { secretKey, allowKeys: [client] } } : {}),
  });
  const tick = server.registerSignal("tick", new RPCSignal<[number]>(Number));
  const lastSeq = new Map<string, number>();
  const blobs = new Map<number, Buffer>();
  server
    .registerMethodJson(
      "echo",
      (x: { lane: string; seq: number }) => {
        counters.executed++;
        if (x.seq <= (lastSeq.get(x.lane) ?? -1)) counters.duplicates++;
        lastSeq.set(x.lane, x.seq);
        return x;
      },
      { params: ["x"] },
    )
    .registerMethodJson("emit_tick", (n: number) => {
      counters.emitted++;
      tick.emit(n);
    })
    .registerMethodBuffer(
      "blob",
      (n: number) => {
        counters.executed++;
        if (!blobs.has(n)) blobs.set(n, patternBytes(n));
        return [blobs.get(n)!, { size: n }];
      },
      { params: ["n"] },
    );
  await registerToRegistry(server, "soak", name, registryUrl, { checkInterval: 1000, checkTimeout: 1000 });
  void server.serveForever();
  // A steady stream of signals, numbered, besides the ones the clients ask for.
  let n = 0;
  setInterval(() => {
    counters.emitted++;
    tick.emit(n++);
  }, 5);
  return server.port!;
}

const port = role === "registry" ? await serveRegistry() : await serveDevice();
process.stdout.write(`READY ${port}\n`);
report();
setInterval(report, 1000);

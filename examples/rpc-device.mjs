// An RPC device: a virtual motor with a JSON method, a buffer method, a property and signals.
// Run: node examples/rpc-device.mjs   (then node examples/rpc-client.mjs tcp://127.0.0.1:<port>)
import { RPCServer, RPCSignal } from "plantrpc";

const server = new RPCServer({ url: process.argv[2] ?? "tcp://127.0.0.1" });
let position = 0;
let speed = 1;
const moved = server.registerSignal("moved", new RPCSignal(Number));
server.registerSignal("speedChanged", new RPCSignal(Number));

server.registerMethodJson(
  "move_to",
  async (target, timeScale = 1) => {
    await new Promise((r) => setTimeout(r, 50 * timeScale));
    position = target;
    moved.emit(position);
    return position;
  },
  { params: ["target", "time_scale"], timeout: 5000 },
);
server.registerMethodBuffer("log", () => [new TextEncoder().encode(`at ${position}\n`), { encoding: "utf-8" }]);
server.registerProperty("speed", {
  get: () => speed,
  set: (v) => (speed = v),
  notify: "speedChanged",
  autoNotify: true,
});

await server.start();
console.log(`motor device at ${server.endpoint}`);
await server.serveForever();
console.log("stopped");

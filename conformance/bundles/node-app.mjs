// A program as a user bundles it for Node (conformance/bundlers.test.ts builds it with each
// tool): a device and its client over tcp, then ZeroMQ with CURVE, large messages sealed by a
// worker thread whose script is bundled beside it, as a second entry point (docs/bundling.md).
import { dirname, join } from "node:path";
import { RPCClient, RPCServer } from "plantrpc";
import { Context, curveKeyPair, Dealer, Router } from "plantrpc/zmq";

async function main() {
  const server = new RPCServer({ url: "tcp://127.0.0.1" });
  server.registerMethodJson("add", (a, b) => a + b, { params: ["a", "b"] });
  await server.start();
  void server.serveForever();
  const client = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`);
  const sum = await client.call("add", [2, 3]);

  const curveWorker = join(dirname(process.argv[1]), "curve-worker.mjs");
  const context = new Context({ curveThreads: 1, curveWorker });
  const keys = curveKeyPair();
  const router = new Router({ context, curveServer: true, curveSecretKey: keys.secretKey });
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ context, curveServerKey: keys.publicKey });
  dealer.connect(router.lastEndpoint);
  await dealer.send(new Uint8Array(1 << 20).fill(7)); // 256 KiB or more: a worker's box
  const [, received] = await router.receive();
  console.log(JSON.stringify({ sum, curve: received.length, curveThreads: context.curveThreads }));
  client.close();
  server.close();
  dealer.close();
  router.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

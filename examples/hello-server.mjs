// The classic hello-world REP server. Run: node examples/hello-server.mjs [endpoint]
import { Reply } from "plantrpc/zmq";

const rep = new Reply();
await rep.bind(process.argv[2] ?? "tcp://127.0.0.1:5560");
console.log(`listening on ${rep.lastEndpoint}`);
for await (const [request] of rep) {
  console.log(`received ${request}`);
  await rep.send(`world (you said ${request})`);
}

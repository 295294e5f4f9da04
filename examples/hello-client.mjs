// The classic hello-world REQ client. Run: node examples/hello-client.mjs [endpoint]
import { Request } from "plantrpc/zmq";

const req = new Request({ receiveTimeout: 3000 });
req.connect(process.argv[2] ?? "tcp://127.0.0.1:5560");
for (let i = 0; i < 3; i++) {
  await req.send(`hello ${i}`);
  const [reply] = await req.receive();
  console.log(`reply: ${reply}`);
}
req.close();

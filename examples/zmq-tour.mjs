// A walk through plantrpc's ZeroMQ layer, all in one process, printing what happens.
import { Dealer, Pull, Push, Reply, Request, Router, Subscriber, XPublisher } from "plantrpc/zmq";

const say = (...a) => console.log(...a);
const str = (frames) => frames.map((f) => JSON.stringify(f.toString()));

say("== REQ/REP over TCP, port chosen by the OS");
const rep = new Reply();
await rep.bind("tcp://127.0.0.1:*");
say(`   REP bound at ${rep.lastEndpoint}`);
const req = new Request();
req.connect(rep.lastEndpoint);
await req.send(["hello", "plant"]);
say(`   REP received ${str(await rep.receive())}`);
await rep.send("hi, imager");
say(`   REQ received ${str(await req.receive())}`);
try {
  await req.receive();
} catch (e) {
  say(`   receiving twice fails as it should: ${e.code}: ${e.message}`);
}

say("== PUB/SUB with prefix filtering (XPUB shows the subscriptions)");
const pub = new XPublisher();
await pub.bind("ipc://*");
const sub = new Subscriber();
sub.connect(pub.lastEndpoint);
sub.subscribe("scan.");
say(`   XPUB saw subscription ${str(await pub.receive())}`);
await pub.send(["motor.moved", "x=10"]);
await pub.send(["scan.progress", "42%"]);
say(`   SUB received ${str(await sub.receive())} (the motor message was filtered out)`);

say("== PUSH/PULL load-balancing a 16 MiB image and small messages over two workers");
const workers = [new Pull(), new Pull()];
for (const w of workers) await w.bind("tcp://127.0.0.1:*");
const push = new Push();
for (const w of workers) push.connect(w.lastEndpoint);
await Promise.all(workers.map((w) => w.events.once("accept")));
const image = new Uint8Array(16 * 1024 * 1024).fill(42);
await push.send(["image", image]);
await push.send(["note", "small"]);
const got = await Promise.all(workers.map((w) => w.receive()));
for (const [i, [kind, body]] of got.entries()) say(`   worker ${i} got ${kind}: ${body.length} bytes`);

say("== ROUTER/DEALER: addressing peers by routing id");
const router = new Router();
await router.bind("inproc://tour");
const dealer = new Dealer({ routingId: "camera-1" });
dealer.connect("inproc://tour");
await dealer.send("ready");
const [id, msg] = await router.receive();
say(`   ROUTER got ${JSON.stringify(msg.toString())} from ${JSON.stringify(id.toString())}`);
await router.send([id, "capture"]);
say(`   DEALER got ${str(await dealer.receive())}`);

for (const s of [rep, req, pub, sub, push, router, dealer, ...workers]) s.close();
say("== done");

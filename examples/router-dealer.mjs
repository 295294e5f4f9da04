// ROUTER/DEALER: a ROUTER serves several DEALERs and answers each by its routing id.
import { Dealer, Router } from "plantrpc/zmq";

const router = new Router();
await router.bind("tcp://127.0.0.1:*");
const workers = ["alice", "bob"].map((name) => {
  const d = new Dealer({ routingId: name });
  d.connect(router.lastEndpoint);
  return d;
});
for (const w of workers) await w.send(`ready from ${w.routingId}`);
for (let i = 0; i < workers.length; i++) {
  const [id, msg] = await router.receive();
  console.log(`router got "${msg}" from ${id}`);
  await router.send([id, `task for ${id}`]);
}
for (const w of workers) console.log(`${w.routingId} got "${(await w.receive())[0]}"`);
for (const s of [router, ...workers]) s.close();

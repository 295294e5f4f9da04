/**
 * Code written for the native `zeromq` package's v6 typings, with only the import changed. It is
 * never run: the type-check of `npm test` proves that such code compiles against ours.
 */
import * as zmq from "../src/zmq/index.js";

export async function typicalUsage(): Promise<void> {
  const context = new zmq.Context({ blocky: false, ioThreads: 1 });
  const options: zmq.SocketOptions<zmq.Dealer> = { linger: 0, sendHighWaterMark: 10, context };
  const dealer = new zmq.Dealer(options);
  dealer.routingId = "worker-1";
  dealer.connect("tcp://127.0.0.1:5555");
  await dealer.send(["", "hello"]);
  const [delimiter, reply] = await dealer.receive();
  void delimiter?.length;
  void reply?.toString("utf8");

  // As with the native typings, a misspelt option or another type's option does not compile.
  // @ts-expect-error: "lingr" is no option
  new zmq.Dealer({ lingr: 0 });
  // @ts-expect-error: mandatory is a ROUTER's option, not a DEALER's
  new zmq.Dealer({ mandatory: true });
  // @ts-expect-error: a misspelt assignment
  dealer.lingr = 0;
  const shared: zmq.SocketOptions<zmq.Socket> = { linger: 0, heartbeatInterval: 100 };
  new zmq.Pull(shared).close();

  const router = new zmq.Router({ mandatory: true });
  await router.bind("tcp://*:5556");
  router.connect("tcp://127.0.0.1:5557", { routingId: "peer" });
  for await (const [id, body] of router) await router.send([id!, body!]);

  const pub = new zmq.Publisher();
  const sub = new zmq.Subscriber();
  sub.subscribe("topic");
  sub.unsubscribe();
  await pub.send(["topic", Buffer.from([1, 2, 3])]);

  const xpub = new zmq.XPublisher({ verbosity: "allSubs" });
  xpub.verbosity = null;

  const events: zmq.Observer = dealer.events;
  events.on("handshake", (e) => console.log(e.address));
  const next: zmq.Event = await events.receive();
  const type: zmq.EventType = next.type;
  void type;

  const proxy = new zmq.Proxy(new zmq.Router(), new zmq.Dealer());
  await proxy.frontEnd.bind("tcp://*:3001");
  proxy.terminate();

  const readable: zmq.Readable = new zmq.Pull();
  void readable.receiveTimeout;
  const writable: zmq.Writable = new zmq.Push();
  await writable.send("x");

  console.log(zmq.version, zmq.capability.ipc, dealer.type, dealer.readable, dealer.writable, dealer.closed);
  dealer.setInt32Option(17, 0);
  void dealer.getStringOption(5);
  try {
    dealer.close();
  } catch (e) {
    const err = e as zmq.ZmqError;
    console.log(err.code, err.errno, err.address);
  }
}

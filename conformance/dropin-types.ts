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

  // Each event type as the native typings give it: error events have their error.
  dealer.events.on("handshake:error:protocol", (e) => console.log(e.address, e.error.code, e.error.message));
  dealer.events.on("handshake:error:auth", (e) => {
    const status: 300 | 400 | 500 = e.error.status;
    console.log(status);
  });
  dealer.events.on("handshake:error:other", (e) => console.log(e.error.code, e.error.errno));
  dealer.events.on("bind:error", (e) => console.log(e.error.code));
  dealer.events.on("accept:error", (e) => console.log(e.error.errno));
  dealer.events.on("close:error", (e) => console.log(e.error.message));
  dealer.events.on("connect:retry", (e) => console.log(e.interval + 1));
  dealer.events.on("unknown", (e) => console.log(e.type));
  const subscriber: zmq.EventSubscriber = dealer.events.on("end", () => {});
  subscriber.off("end", () => {});
  const anyEvent = await new zmq.Pull().events.receive();
  if (anyEvent.type === "handshake:error:protocol") console.log(anyEvent.error.code);

  // Numbers as frames, the deprecated synchronous bind, STREAM's [routingId, bytes] messages.
  await dealer.send([1, 2.5, null]);
  const stream = new zmq.Stream();
  stream.bindSync("tcp://127.0.0.1:5558");
  const [peer, bytes]: [zmq.Message, zmq.Message] = await stream.receive();
  await stream.send([peer, bytes]);

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

// Pub/sub with an envelope frame: the subscriber filters on the first frame's prefix.
import { Publisher, Subscriber } from "plantrpc/zmq";

const pub = new Publisher();
await pub.bind("tcp://127.0.0.1:*");
const sub = new Subscriber();
sub.connect(pub.lastEndpoint);
sub.subscribe("camera.");

const publishing = setInterval(() => {
  void pub.send(["motor.position", "12.5"]);
  void pub.send(["camera.frame", "frame #1"]);
}, 20); // a subscription takes a moment to reach the publisher: keep publishing until it has

const [topic, body] = await sub.receive();
clearInterval(publishing);
console.log(`${topic}: ${body}`);
pub.close();
sub.close();

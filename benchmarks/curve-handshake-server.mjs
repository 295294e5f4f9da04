// The server of the two-process handshake measure (benchmarks/curve.mjs): a CURVE ROUTER that
// echoes, in its own process, as a device serves its clients. Usage: node
// curve-handshake-server.mjs plantrpc|zeromq <secret key>; prints "READY <endpoint>".
import * as native from "zeromq";
import * as ours from "../dist/zmq/index.js";

const zmq = process.argv[2] === "zeromq" ? native : ours;
const server = new zmq.Router({ curveServer: true, curveSecretKey: process.argv[3], linger: 0 });
await server.bind("tcp://127.0.0.1:*");
console.log(`READY ${server.lastEndpoint}`);
for await (const [id, m] of server) await server.send([id, m]);

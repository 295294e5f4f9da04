// A client of examples/rpc-device.mjs (or of a Python device with the same methods).
import { RPCClient } from "plantrpc";

const client = await RPCClient.connect(process.argv[2] ?? "tcp://127.0.0.1:10000");
console.log("inventory:", client.inventory);
client.signal("moved").connect((p) => console.log("signal moved ->", p));
client.signal("speedChanged").connect((s) => console.log("signal speedChanged ->", s));
console.log("move_to(42) =", await client.call("move_to", [42]));
await client.setProperty("speed", 3);
console.log("speed =", await client.getProperty("speed"));
const { buffer, info } = await client.call("log");
console.log("log:", new TextDecoder().decode(buffer).trim(), info);
await new Promise((r) => setTimeout(r, 100)); // let the last signals arrive
client.close();

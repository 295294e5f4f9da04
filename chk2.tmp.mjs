import { checkDevice, formatReport } from "/work/main/dist/check/index.js";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
async function start(env) {
  const child = spawn("/usr/bin/python3", ["/work/main/conformance/peers/rpc_device.py", "tcp://127.0.0.1"], { env: { ...process.env, ...env } });
  const line = await new Promise((r) => createInterface({ input: child.stdout }).once("line", r));
  return { child, url: `tcp://127.0.0.1:${line.split(" ")[1]}`, impl: line.split(" ")[2] };
}
for (const env of [{}, { PLANTIMAGER_COMMONS_PATH: "/tmp/pi3/src/commons" }]) {
  const d = await start(env);
  console.log("==", d.impl);
  console.log(formatReport(await checkDevice(d.url, { referenceCompatible: true })));
  console.log(formatReport(await checkDevice(d.url, { destructive: true, referenceCompatible: true })));
  d.child.kill("SIGKILL");
}
process.exit(0);

// A device that admits only the clients whose certificates are in a directory (CURVE), as a lab
// would run it: certificates made here (pyzmq's and CZMQ's files work the same), one client
// admitted, one refused at once.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotAdmittedError, RPCClient, RPCServer } from "plantrpc";
import { createCertificate, loadCertificate, saveCertificate } from "plantrpc/zmq";

const dir = mkdtempSync(join(tmpdir(), "plantrpc-example-"));
const clients = join(dir, "clients");
try {
  // The device's own certificate, and one for a client the lab trusts (x.key and x.key_secret).
  const device = createCertificate({ name: "turntable" });
  await saveCertificate(join(dir, "turntable.key"), device);
  mkdirSync(clients);
  await saveCertificate(join(clients, "operator.key"), createCertificate({ name: "operator" }));

  const server = new RPCServer({
    url: "tcp://127.0.0.1:0",
    curve: { ...(await loadCertificate(join(dir, "turntable.key_secret"))), allowKeys: clients },
  });
  server.registerMethodJson("rotate", (degrees) => ({ angle: degrees % 360 }));
  await server.start();
  void server.serveForever();
  const url = `tcp://127.0.0.1:${server.port}`;

  // The operator uses its own key pair (the secret file stays with it).
  const operator = await loadCertificate(join(clients, "operator.key_secret"));
  const client = await RPCClient.connect(url, { curve: { serverKey: device.publicKey, ...operator } });
  console.log("operator:", await client.call("rotate", [450]));
  client.close();

  // Anyone else knows the device's public key, but not an admitted secret key.
  try {
    await RPCClient.connect(url, { curve: { serverKey: device.publicKey }, timeout: 5000 });
  } catch (e) {
    if (!(e instanceof NotAdmittedError)) throw e;
    console.log(`stranger: refused (ZAP status ${e.status})`);
  }
  server.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

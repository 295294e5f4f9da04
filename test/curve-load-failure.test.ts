/**
 * CURVE when libsodium-wrappers cannot be loaded (a broken install, a bundle that left it out):
 * each handshake fails as a protocol error does (both ends report it; the connect is given up, as
 * libzmq gives one up after a protocol error), and the process is told once, as a warning, so
 * that a program that does not watch events learns why. Run in a child process on dist/ (npm
 * test builds it), with a module hook that refuses the package.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const DIST = join(import.meta.dirname, "..", "dist", "zmq", "index.js");

const REFUSE_LIBSODIUM = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module";
   register("data:text/javascript," + encodeURIComponent(
     'export async function resolve(specifier, context, next) {' +
     '  if (specifier.startsWith("libsodium")) throw new Error("libsodium-wrappers is not installed");' +
     '  return next(specifier, context);' +
     '}'));`,
)}`;

const SCRIPT = `
const z = await import(${JSON.stringify(pathToFileURL(DIST).href)});
const warnings = [];
process.on("warning", (w) => warnings.push(w.message));
const keys = z.curveKeyPair();
const failed = (socket) => new Promise((resolve) => socket.events.on("handshake:error:protocol", resolve));
const rep = new z.Reply({ curveServer: true, curveSecretKey: keys.secretKey, linger: 0 });
await rep.bind("tcp://127.0.0.1:*");
const serverFailed = failed(rep);
// A second server on the same machine, for a second connect: still one warning.
const rep2 = new z.Reply({ curveServer: true, curveSecretKey: keys.secretKey, linger: 0 });
await rep2.bind("tcp://127.0.0.1:*");
const req = new z.Request({ curveServerKey: keys.publicKey, linger: 0, reconnectInterval: 10 });
const clientFailed = failed(req);
req.connect(rep.lastEndpoint);
const [client, server] = await Promise.all([clientFailed, serverFailed]);
// A connect given up is gone from the socket: disconnecting it finds nothing (a connect still
// retrying would be found and ended).
let givenUp = "still connecting";
try {
  req.disconnect(rep.lastEndpoint);
} catch (e) {
  givenUp = e.code;
}
const again = failed(req);
req.connect(rep2.lastEndpoint);
await again;
await new Promise((r) => setImmediate(r)); // warnings come on the next tick
req.close();
rep.close();
rep2.close();
console.log(JSON.stringify({ client: client.error.code, server: server.error.code, givenUp, warnings }));
`;

describe("CURVE without libsodium-wrappers", () => {
  it.runIf(existsSync(DIST))(
    "fails each handshake at both ends, gives the connect up, and warns once",
    () => {
      const run = spawnSync(process.execPath, ["--import", REFUSE_LIBSODIUM, "--input-type=module", "-e", SCRIPT], {
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(run.signal, `killed at the time limit: ${run.stderr}`).toBeNull();
      const { client, server, givenUp, warnings } = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
      expect([client, server]).toEqual(["ERR_ZMTP_UNSPECIFIED", "ERR_ZMTP_UNSPECIFIED"]);
      expect(givenUp).toBe("ENOENT");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^CURVE needs libsodium-wrappers, which could not be loaded: .*libsodium-wrappers is not installed.*: CURVE handshakes fail \(handshake:error:protocol events\), and connects are given up$/,
      );
    },
    40_000,
  );
});

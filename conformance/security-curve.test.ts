/**
 * CURVE (RFC 26) with libzmq, both ways and both roles: our sockets against pyzmq (Debian's
 * libzmq) and the native `zeromq` package, with keys made by either side.
 */
import { createHash } from "node:crypto";
import * as native from "zeromq";
import { describe, expect, it } from "vitest";
import { curveKeyPair, Pull, Push } from "../src/zmq/index.js";
import { intruderRefusedFriendServed } from "./helpers/refusal.js";
import { oursKind } from "./helpers/peers.js";
import { hasPyzmq } from "./helpers/python.js";
import { EVERY_KIND, makePeer } from "./helpers/scenarios.js";
import { LIBRARIES, processesMissing, runScript } from "./dropin/processes.js";

const make = makePeer;

const kinds = EVERY_KIND;

describe("CURVE with libzmq", () => {
  for (const [serverKind, serverAvailable] of kinds) {
    for (const [clientKind, clientAvailable] of kinds) {
      if (serverKind !== oursKind && clientKind !== oursKind) continue;
      for (const keysBy of ["ours", "native"] as const) {
        it.runIf(serverAvailable && clientAvailable)(
          `${clientKind.name} client, ${serverKind.name} server, keys made by ${keysBy}: requests, replies, long frames`,
          async () => {
            const make2 = keysBy === "ours" ? curveKeyPair : native.curveKeyPair;
            const serverKeys = make2();
            const clientKeys = make2();
            const rep = await make(serverKind, "REP", {
              curveServer: true,
              curveSecretKey: serverKeys.secretKey,
              curvePublicKey: serverKeys.publicKey,
            });
            const endpoint = await rep.bind("tcp://127.0.0.1:*");
            const req = await make(clientKind, "REQ", {
              curveServerKey: serverKeys.publicKey,
              curvePublicKey: clientKeys.publicKey,
              curveSecretKey: clientKeys.secretKey,
            });
            await req.connect(endpoint);
            const long = "x".repeat(70_000);
            await req.send(["hello", "", long]);
            const digest = createHash("sha256").update(long, "latin1").digest("hex");
            expect(await rep.receive()).toEqual(["hello", "", `70000:${digest}`]);
            await rep.send(["welcome"]);
            expect(await req.receive()).toEqual(["welcome"]);
          },
        );
      }
    }
  }

  for (const [serverKind, available] of kinds) {
    it.runIf(available)(
      `a client with the wrong server key gets nothing through to a ${serverKind.name} server, which serves the others`,
      async () => {
        const serverKeys = curveKeyPair();
        const rep = await make(serverKind, "REP", {
          curveServer: true,
          curveSecretKey: serverKeys.secretKey,
          curvePublicKey: serverKeys.publicKey,
        });
        const endpoint = await rep.bind("tcp://127.0.0.1:*");
        await intruderRefusedFriendServed(
          rep,
          endpoint,
          (options) => make(oursKind, "REQ", options),
          { curveServerKey: curveKeyPair().publicKey },
          { curveServerKey: serverKeys.publicKey },
        );
      },
    );
  }
});

describe("CURVE (ours)", () => {
  it("carries a PUSH/PULL stream in order, and says curve", async () => {
    const keys = curveKeyPair();
    const pull = new Pull({ curveServer: true, curveSecretKey: keys.secretKey, linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const push = new Push({ curveServerKey: keys.publicKey, linger: 0 });
    try {
      push.connect(pull.lastEndpoint!);
      for (let i = 0; i < 2000; i++) await push.send([String(i), "x".repeat(i % 300)]);
      for (let i = 0; i < 2000; i++) expect((await pull.receive())[0]!.toString()).toBe(String(i));
      expect([pull.securityMechanism, push.securityMechanism]).toEqual(["curve", "curve"]);
      expect(pull.curveSecretKey).toBe(keys.secretKey);
    } finally {
      pull.close();
      push.close();
    }
  });
});

describe.skipIf(processesMissing !== undefined)("the first CURVE handshake of a process (child processes)", () => {
  // libzmq's client sends HELLO right after its greeting, often in the same TCP segment; in a
  // fresh process our server's boxes are still loading then, and HELLO must wait for them.
  it("a server whose boxes are still loading answers a native client at once, as the native server does", async () => {
    const body = `const n = await import(${JSON.stringify(LIBRARIES?.theirs)});
      const k = n.curveKeyPair(), own = n.curveKeyPair();
      const pull = new z.Pull({ curveServer: true, curveSecretKey: k.secretKey, linger: 0 });
      await pull.bind("tcp://127.0.0.1:*");
      const push = new n.Push({ curveServerKey: k.publicKey, curvePublicKey: own.publicKey, curveSecretKey: own.secretKey, linger: 0 });
      let failures = 0;
      pull.events.on("handshake:error:protocol", () => failures++);
      push.connect(pull.lastEndpoint);
      await push.send("x");
      console.log(String((await pull.receive())[0]), failures);
      process.exit(0);`;
    const [theirs, mine] = await Promise.all([
      runScript(LIBRARIES!.theirs, body, 10_000),
      runScript(LIBRARIES!.mine, body, 10_000),
    ]);
    expect(theirs.stdout).toBe("x 0");
    expect(mine.stdout).toBe(theirs.stdout);
  }, 20_000);
});

describe("plantrpc keygen certificates", () => {
  it.runIf(hasPyzmq())("are what pyzmq's zmq.auth.load_certificate reads", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { spawnSync } = await import("node:child_process");
    const { writeCertificates } = await import("../src/cli/keygen.js");
    const { PYTHON } = await import("./helpers/python.js");
    const base = join(mkdtempSync(join(tmpdir(), "plantrpc-cert-")), "device");
    const { publicKey } = writeCertificates(base);
    const script = `import zmq.auth\npub, sec = zmq.auth.load_certificate(${JSON.stringify(`${base}.key_secret`)})\nprint(pub.decode(), len(sec))`;
    const r = spawnSync(PYTHON, ["-c", script], { encoding: "utf8" });
    expect(r.stdout.trim()).toBe(`${publicKey} 40`);
  });

  it.runIf(hasPyzmq())("plantrpc reads the certificates pyzmq's zmq.auth.create_certificates writes", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { spawnSync } = await import("node:child_process");
    const { readKeyPair, serverKeyOf } = await import("../src/cli/certificate.js");
    const { PYTHON } = await import("./helpers/python.js");
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-pycert-"));
    const script = `import zmq.auth\npub, sec = zmq.auth.create_certificates(${JSON.stringify(dir)}, "device")\np, s = zmq.auth.load_certificate(sec)\nprint(p.decode(), s.decode())`;
    const r = spawnSync(PYTHON, ["-c", script], { encoding: "utf8" });
    const [publicKey, secretKey] = r.stdout.trim().split(" ");
    expect(readKeyPair(join(dir, "device.key_secret"))).toEqual({ publicKey, secretKey });
    expect(serverKeyOf(join(dir, "device.key"))).toBe(publicKey);
  });
});

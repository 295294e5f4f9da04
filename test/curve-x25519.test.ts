import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { sodiumBoxes } from "../src/zmq/mechanism/curve/curve-sodium.js";
import { runtimeKeyAgreement } from "../src/zmq/mechanism/curve/curve-x25519.js";
import { pkcs8PublicKey } from "../src/zmq/mechanism/curve/curve-x25519-keys.js";
import { z85Decode, z85Encode } from "../src/zmq/mechanism/z85.js";
import { curveKeyPair, curvePublicKey } from "../src/zmq/curve-keypair.js";

describe("the handshake's key agreement on the runtime's X25519", () => {
  it("gives libsodium's keys, both ways, for keys made by either", async () => {
    const sodium = await sodiumBoxes();
    // sodiumBoxes() already prefers the runtime's agreement: the reference is libsodium's own.
    const wrappers = (await import("libsodium-wrappers")).default;
    await wrappers.ready;
    const reference = {
      generateKeyPair: () => {
        const { publicKey, privateKey } = wrappers.crypto_box_keypair();
        return { publicKey, secretKey: privateKey };
      },
      publicKeyOf: (s: Uint8Array) => wrappers.crypto_scalarmult_base(s),
      boxKey: (p: Uint8Array, s: Uint8Array) => wrappers.crypto_box_beforenm(p, s),
    };
    const agreement = runtimeKeyAgreement(reference);
    expect(agreement).toBeDefined();
    for (let i = 0; i < 20; i++) {
      const a = i % 2 ? agreement!.generateKeyPair() : reference.generateKeyPair();
      const b = i % 3 ? reference.generateKeyPair() : agreement!.generateKeyPair();
      expect(agreement!.publicKeyOf(a.secretKey)).toEqual(reference.publicKeyOf(a.secretKey));
      // A copy of the secret (as a cookie gives it back): no remembered key object.
      expect(agreement!.boxKey(b.publicKey, Uint8Array.from(a.secretKey))).toEqual(
        reference.boxKey(b.publicKey, a.secretKey),
      );
      expect(sodium.boxKey(a.publicKey, b.secretKey)).toEqual(reference.boxKey(a.publicKey, b.secretKey));
    }
  });

  it("agrees as libsodium does with keys from curveKeyPair(), imported once and again", async () => {
    const sodium = await sodiumBoxes();
    const wrappers = (await import("libsodium-wrappers")).default;
    await wrappers.ready;
    const check = (secret: Uint8Array) => {
      const peer = wrappers.crypto_box_keypair();
      expect(sodium.boxKey(peer.publicKey, secret)).toEqual(wrappers.crypto_box_beforenm(peer.publicKey, secret));
    };
    // 70 pairs: more than the keys kept by value, so that the second pass imports the first
    // ones again.
    const made = Array.from({ length: 70 }, () => curveKeyPair());
    for (const pair of made) {
      const secret = z85Decode(pair.secretKey)!;
      expect(Buffer.from(wrappers.crypto_scalarmult_base(secret)).equals(Buffer.from(z85Decode(pair.publicKey)!))).toBe(
        true,
      );
      check(secret);
    }
    for (const pair of made) check(Uint8Array.from(z85Decode(pair.secretKey)!));
    expect(sodium.publicKeyOf(Uint8Array.from(z85Decode(made[0]!.secretKey)!))).toEqual(
      new Uint8Array(z85Decode(made[0]!.publicKey)!),
    );
  });

  it("gives each secret key's public key as libsodium does (curvePublicKey)", async () => {
    const wrappers = (await import("libsodium-wrappers")).default;
    await wrappers.ready;
    // RFC 7748, section 6.1, Bob's pair: the answer known in advance.
    const bob = Buffer.from("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", "hex");
    expect(Buffer.from(z85Decode(curvePublicKey(z85Encode(bob)))!).toString("hex")).toBe(
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    );
    for (let i = 0; i < 20; i++) {
      const { privateKey, publicKey } = wrappers.crypto_box_keypair();
      expect(curvePublicKey(z85Encode(privateKey))).toBe(z85Encode(publicKey));
      const ours = curveKeyPair();
      expect(curvePublicKey(ours.secretKey)).toBe(ours.publicKey);
    }
    expect(() => curvePublicKey("too short")).toThrow(/40 characters of Z85/);
    // The fallback for a runtime that does not derive public keys from a JWK (none known).
    expect(Buffer.from(pkcs8PublicKey(bob)).toString("hex")).toBe(
      "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    );
  });

  it("refuses a public key of small order, as libsodium does", async () => {
    const sodium = await sodiumBoxes();
    const pair = sodium.generateKeyPair();
    expect(() => sodium.boxKey(new Uint8Array(32), pair.secretKey)).toThrow();
    const order8 = Uint8Array.from(
      Buffer.from("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", "hex"),
    );
    expect(() => sodium.boxKey(order8, pair.secretKey)).toThrow();
  });

  const built = join(import.meta.dirname, "..", "dist", "zmq");
  it.runIf(existsSync(built))(
    "makes key pairs by the thousand, garbage collections between, without a deadlock",
    () => {
      // Made by generateKeyPairSync and exported, keys deadlocked Node 20 within a few thousand
      // (a collection frees the generation job while the export holds the key's lock): in a child
      // process, so that a deadlock fails this test instead of hanging the suite.
      const url = (name: string) => JSON.stringify(pathToFileURL(join(built, name)).href);
      const script = `const { curveKeyPair } = await import(${url("curve-keypair.js")});
      const { loadCurveBoxes } = await import(${url("mechanism/curve/curve-box.js")});
      const boxes = await loadCurveBoxes();
      const junk = [];
      for (let i = 0; i < 20000; i++) {
        curveKeyPair();
        boxes.generateKeyPair();
        junk.push(new Array(50).fill(i));
        if (junk.length > 100) junk.length = 0;
      }
      console.log("made");`;
      const run = spawnSync(process.execPath, ["--max-semi-space-size=1", "--input-type=module", "-e", script], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.signal, "killed at the time limit: a deadlock?").toBeNull();
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.stdout.trim()).toBe("made");
      expect(run.status).toBe(0);
    },
    70_000,
  );

  const cjs = join(import.meta.dirname, "..", "dist", "cjs", "zmq", "index.js");
  const refusesRequireEsm = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module");
  it.runIf(existsSync(cjs) && refusesRequireEsm)(
    "CURVE works from CommonJS where ES modules cannot be required (Node before 20.19, Jest)",
    () => {
      // @noble/ciphers is an ES module: there, the handshake keeps libsodium's key agreement.
      const script = `const zmq = require(${JSON.stringify(cjs)});
      (async () => {
        const keys = zmq.curveKeyPair();
        const rep = new zmq.Reply({ curveServer: true, curveSecretKey: keys.secretKey, linger: 0 });
        await rep.bind("tcp://127.0.0.1:*");
        const req = new zmq.Request({ curveServerKey: keys.publicKey, linger: 0 });
        req.connect(rep.lastEndpoint);
        await req.send("ping");
        const [m] = await rep.receive();
        await rep.send(m);
        const [reply] = await req.receive();
        console.log(String(reply));
        req.close();
        rep.close();
      })();`;
      const run = spawnSync(process.execPath, ["--no-experimental-require-module", "-e", script], {
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(run.signal, "killed at the time limit").toBeNull();
      expect(run.stdout.trim()).toBe("ping");
    },
    40_000,
  );
});

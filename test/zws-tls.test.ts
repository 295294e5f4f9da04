import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { curveKeyPair, Pull, Push } from "../src/zmq/index.js";
import { bound, text, track } from "./helpers/sockets.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const cert = fixture("wss-cert.pem");
const key = fixture("wss-key.pem");

describe("wss:// (ZWS over TLS)", () => {
  it("binds with a certificate and key; a client trusting that certificate connects", async () => {
    const pull = await bound(new Pull({ wssCertPem: cert, wssKeyPem: key }), "wss://127.0.0.1:0/secure");
    expect(pull.lastEndpoint).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/secure$/);
    const push = track(new Push({ wssTrustPem: cert }));
    push.connect(pull.lastEndpoint!);
    await push.send(["over", "tls", Buffer.alloc(200_000, 9)]);
    const [a, b, c] = await pull.receive();
    expect(text([a!, b!])).toEqual(["over", "tls"]);
    expect(c!.equals(Buffer.alloc(200_000, 9))).toBe(true);
  });

  it("CURVE runs over wss:// unchanged", async () => {
    const keys = curveKeyPair();
    const pull = await bound(
      new Pull({ wssCertPem: cert, wssKeyPem: key, curveServer: true, curveSecretKey: keys.secretKey }),
      "wss://127.0.0.1:0",
    );
    const push = track(new Push({ wssTrustPem: cert, curveServerKey: keys.publicKey }));
    push.connect(pull.lastEndpoint!);
    await push.send("both");
    expect(text(await pull.receive())).toEqual(["both"]);
  });

  it("a client refuses a certificate it does not trust, or one for another name", async () => {
    const pull = await bound(new Pull({ wssCertPem: cert, wssKeyPem: key }), "wss://127.0.0.1:0");
    const untrusting = track(new Push({ wssTrustSystem: true }));
    const failed = untrusting.events.once("connect:retry");
    untrusting.connect(pull.lastEndpoint!);
    await failed;

    const other = await bound(
      new Pull({ wssCertPem: fixture("other-cert.pem"), wssKeyPem: fixture("other-key.pem") }),
      "wss://127.0.0.1:0",
    );
    const wrongName = track(new Push({ wssTrustPem: fixture("other-cert.pem") }));
    const refused = wrongName.events.once("connect:retry");
    wrongName.connect(other.lastEndpoint!);
    await refused;

    // ...and accepts it when told the name to expect.
    const named = track(new Push({ wssTrustPem: fixture("other-cert.pem"), wssHostname: "other.example" }));
    named.connect(other.lastEndpoint!);
    await named.send("by name");
    expect(text(await other.receive())).toEqual(["by name"]);
  });

  it("binding wss:// without a certificate and key is EINVAL", async () => {
    await expect(track(new Pull()).bind("wss://127.0.0.1:0")).rejects.toMatchObject({ code: "EINVAL" });
    await expect(
      track(new Pull({ wssCertPem: "junk", wssKeyPem: "junk" })).bind("wss://127.0.0.1:0"),
    ).rejects.toMatchObject({
      code: "EINVAL",
    });
  });
});

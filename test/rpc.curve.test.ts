import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NotAdmittedError, RPCClient, RPCServer, RpcTimeoutError } from "../src/index.js";
import { Authenticator, createCertificate, curveKeyPair, saveCertificate } from "../src/zmq/index.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function secureDevice() {
  const keys = curveKeyPair();
  const server = new RPCServer({ url: "tcp://127.0.0.1:0", curve: keys });
  server.registerMethodJson("add", (a: number, b: number) => a + b);
  const moved = server.registerSignal("moved");
  await server.start();
  void server.serveForever();
  cleanups.push(() => server.close());
  return { keys, url: `tcp://127.0.0.1:${server.port}`, moved };
}

describe("RPC over CURVE", () => {
  it("calls methods and receives signals with the device's public key", async () => {
    const { keys, url, moved } = await secureDevice();
    const client = await RPCClient.connect(url, { curve: { serverKey: keys.publicKey } });
    cleanups.push(() => client.close());
    expect(await client.call("add", [2, 3])).toBe(5);
    const got = new Promise((resolve) => client.signal("moved").connect((...args) => resolve(args)));
    const emitting = setInterval(() => moved.emit(1, 2), 10);
    expect(await got).toEqual([1, 2]);
    clearInterval(emitting);
  });

  it("a client with another key, or none, hears nothing, and its timeout says what the handshake said", async () => {
    const { url } = await secureDevice();
    const wrongKey = RPCClient.connect(url, { timeout: 300, curve: { serverKey: curveKeyPair().publicKey } });
    await expect(wrongKey).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(wrongKey).rejects.toThrow(
      /no reply within 300 ms: the device ended the connection during the CURVE handshake \(is serverKey the device's public key\?\)/,
    );
    const none = RPCClient.connect(url, { timeout: 300 });
    await expect(none).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(none).rejects.toMatchObject({
      reason: "the handshake failed: the device's security is not ours (it uses CURVE or PLAIN?)",
    });
  });

  it("refuses a client's own public key without its secret key, or not that key's, with a TypeError", async () => {
    const { url, keys } = await secureDevice();
    const [own, other] = [curveKeyPair(), curveKeyPair()];
    await expect(
      RPCClient.connect(url, { curve: { serverKey: keys.publicKey, publicKey: own.publicKey } }),
    ).rejects.toThrow(
      new TypeError("curve.publicKey is given without curve.secretKey: give both, or neither (a pair is made)"),
    );
    await expect(
      RPCClient.connect(url, {
        curve: { serverKey: keys.publicKey, publicKey: other.publicKey, secretKey: own.secretKey },
      }),
    ).rejects.toThrow(new TypeError("curve.publicKey is not the public key of curve.secretKey"));
    // The secret key alone is enough (its public key is used), and both together of course.
    for (const curve of [{ secretKey: own.secretKey }, { publicKey: own.publicKey, secretKey: own.secretKey }]) {
      const client = await RPCClient.connect(url, { curve: { serverKey: keys.publicKey, ...curve } });
      expect(await client.call("add", [1, 2])).toBe(3);
      client.close();
    }
  });

  it("a CURVE client of a device without CURVE: its timeout names the mismatch", async () => {
    const server = new RPCServer({ url: "tcp://127.0.0.1:0" });
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const client = RPCClient.connect(`tcp://127.0.0.1:${server.port}`, {
      timeout: 300,
      curve: { serverKey: curveKeyPair().publicKey },
    });
    await expect(client).rejects.toMatchObject({
      name: "RpcTimeoutError",
      reason: "the handshake failed: the device's security is not ours (it does not use CURVE?)",
    });
  });
});

describe("a registry over CURVE", () => {
  it("registers a secure device and lists it for clients with its key; others get no answer", async () => {
    const { DeviceRegistry, listDevices, registerToRegistry } = await import("../src/index.js");
    const registryKeys = curveKeyPair();
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0, curve: registryKeys });
    await registry.start();
    cleanups.push(() => void registry.stop());
    const { keys, url } = await secureDevice();
    const device = new RPCServer({ url: "tcp://127.0.0.1:0", curve: keys });
    cleanups.push(() => device.close());
    const registration = await registerToRegistry(device, "camera", "cam", registry.url, {
      checkInterval: 50,
      curve: { serverKey: registryKeys.publicKey },
    });
    expect(registration.name).toBe("cam");
    const found = await listDevices(registry.url, { curve: { serverKey: registryKeys.publicKey } });
    expect(Object.keys(found)).toEqual(["cam"]);
    await expect(listDevices(registry.url, { timeout: 300 })).rejects.toBeInstanceOf(RpcTimeoutError);
    void url;
  });
});

describe("a device that admits only some clients (curve.allowKeys)", () => {
  async function lockedDevice(allowKeys: string | string[]) {
    const keys = curveKeyPair();
    const server = new RPCServer({ url: "tcp://127.0.0.1:0", curve: { ...keys, allowKeys } });
    server.registerMethodJson("add", (a: number, b: number) => a + b);
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    return { server, keys, url: `tcp://127.0.0.1:${server.port}` };
  }

  it("serves the clients whose certificates are in the directory; the others fail at once with NotAdmittedError", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plantrpc-allow-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const friend = createCertificate({ name: "friend" });
    await saveCertificate(join(dir, "friend.key"), friend);
    writeFileSync(join(dir, "README"), "the lab's clients\n");
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    const { keys, url } = await lockedDevice(dir);
    const client = await RPCClient.connect(url, {
      curve: { serverKey: keys.publicKey, publicKey: friend.publicKey, secretKey: friend.secretKey! },
    });
    cleanups.push(() => client.close());
    expect(await client.call("add", [2, 3])).toBe(5);
    // A file there that is not a certificate is said once, as a process warning.
    expect((await warned).message).toMatch(/allowKeys: .*README is not a client certificate, skipped/);
    const started = Date.now();
    const refused = await RPCClient.connect(url, { timeout: 5000, curve: { serverKey: keys.publicKey } }).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(NotAdmittedError);
    expect(refused).toMatchObject({ status: 400, message: expect.stringContaining("refused this client") });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("takes a list of public keys (signals admitted alike); stops its part of the authenticator when it stops", async () => {
    const friend = curveKeyPair();
    const { server, keys, url } = await lockedDevice([friend.publicKey]);
    const moved = server.registerSignal("moved");
    const client = await RPCClient.connect(url, { curve: { serverKey: keys.publicKey, ...friend } });
    cleanups.push(() => client.close());
    expect(await client.call("add", [1, 1])).toBe(2);
    const got = new Promise((resolve) => client.signal("moved").connect((...args) => resolve(args)));
    const emitting = setInterval(() => moved.emit(7), 10);
    expect(await got).toEqual([7]);
    clearInterval(emitting);
    expect(Authenticator.of()?.running).toBe(true);
    await server[Symbol.asyncDispose]();
    expect(Authenticator.of()).toBeUndefined();
  });

  it("refuses a malformed allowKeys with a TypeError, and a directory that does not exist at start (ENOENT)", async () => {
    const keys = curveKeyPair();
    expect(() => new RPCServer({ url: "tcp://127.0.0.1:0", curve: { ...keys, allowKeys: ["not a key"] } })).toThrow(
      TypeError,
    );
    const server = new RPCServer({ url: "tcp://127.0.0.1:0", curve: { ...keys, allowKeys: "/nonexistent/clients" } });
    cleanups.push(() => server.close());
    await expect(server.start()).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("fails closed: with its authenticator stopped by the program, a locked device admits no one", async () => {
    const friend = curveKeyPair();
    const { keys, url } = await lockedDevice([friend.publicKey]);
    await Authenticator.of()!.stop();
    await expect(
      RPCClient.connect(url, { timeout: 500, curve: { serverKey: keys.publicKey, ...friend } }),
    ).rejects.toBeInstanceOf(RpcTimeoutError);
  });

  it("a device that cannot bind takes its domain away again (the shared authenticator stops)", async () => {
    const keys = curveKeyPair();
    const holder = new RPCServer({ url: "tcp://127.0.0.1:0" });
    await holder.start();
    cleanups.push(() => holder.close());
    const server = new RPCServer({
      url: `tcp://127.0.0.1:${holder.port}`,
      curve: { ...keys, allowKeys: [curveKeyPair().publicKey] },
    });
    cleanups.push(() => server.close());
    await expect(server.start()).rejects.toMatchObject({ code: "EADDRINUSE" });
    expect(Authenticator.of()).toBeUndefined();
  });

  it("a registry too: only admitted devices register and only admitted clients list", async () => {
    const { DeviceRegistry, listDevices, registerToRegistry } = await import("../src/index.js");
    const registryKeys = curveKeyPair();
    const friend = curveKeyPair();
    const registry = new DeviceRegistry({
      addr: "127.0.0.1",
      port: 0,
      curve: { ...registryKeys, allowKeys: [friend.publicKey] },
    });
    await registry.start();
    cleanups.push(() => void registry.stop());
    const device = new RPCServer({ url: "tcp://127.0.0.1:0" });
    cleanups.push(() => device.close());
    await registerToRegistry(device, "camera", "cam", registry.url, {
      checkInterval: 50,
      curve: { serverKey: registryKeys.publicKey, ...friend },
    });
    const found = await listDevices(registry.url, { curve: { serverKey: registryKeys.publicKey, ...friend } });
    expect(Object.keys(found)).toEqual(["cam"]);
    // Refused during the handshake: said at once, not at the timeout.
    await expect(
      listDevices(registry.url, { timeout: 10_000, curve: { serverKey: registryKeys.publicKey } }),
    ).rejects.toBeInstanceOf(NotAdmittedError);
  });
});

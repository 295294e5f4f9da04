import { afterEach, describe, expect, it } from "vitest";
import { RPCClient, RPCServer, RpcTimeoutError } from "../src/index.js";
import { curveKeyPair } from "../src/zmq/index.js";

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

  it("a client with another key, or none, hears nothing", async () => {
    const { url } = await secureDevice();
    await expect(
      RPCClient.connect(url, { timeout: 300, curve: { serverKey: curveKeyPair().publicKey } }),
    ).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(RPCClient.connect(url, { timeout: 300 })).rejects.toBeInstanceOf(RpcTimeoutError);
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

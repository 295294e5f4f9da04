/**
 * The gateway is no open door: it wants a token off loopback, lets in no page unless told,
 * answers only LIST on its registry route (a page cannot register an address of its choosing),
 * relays only the addresses it is allowed to, and starts relays together, so that unreachable
 * devices delay no other.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Gateway, listDevices, RPCClient, registerDevice, UnsupportedByRegistry } from "../src/index.js";
import { Router } from "../src/zmq/index.js";
import { startGateway } from "../conformance/helpers/gateway.js";
import { registeredTsDevice } from "../conformance/helpers/ts-device.js";
import { RawWs } from "./helpers/raw-ws.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tsDevice = (registryUrl: string, name: string) => registeredTsDevice(registryUrl, name, cleanups);

/** A port where nothing listens (bound, then let go). */
async function deadPort(): Promise<number> {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:0");
  const port = Number(new URL(router.lastEndpoint!).port);
  router.close();
  return port;
}

describe("gateway access", () => {
  it("off loopback, wants a token, or noToken said outright", () => {
    const registry = "tcp://127.0.0.1:5555";
    expect(() => new Gateway({ registry, listen: "ws://0.0.0.0:8090" })).toThrow(/needs a token/);
    expect(() => new Gateway({ registry, listen: "ws://0.0.0.0:8090", noToken: true })).not.toThrow();
    expect(
      () => new Gateway({ registry, listen: "ws://0.0.0.0:8090", access: { token: "long-enough" } }),
    ).not.toThrow();
    expect(() => new Gateway({ registry, listen: "ws://127.0.0.1:8090", access: { token: "short" } })).toThrow(
      /at least 8/,
    );
  });

  it("refuses upgrades without the token (401), with a wrong one or from a page not allowed (403)", async () => {
    const token = "gateway-token-1";
    const { gateway } = await startGateway(cleanups, { access: { token, allowedOrigins: ["http://127.0.0.1:8080"] } });
    const route = `${gateway.base}/registry`;
    expect((await RawWs.open(route, "ZWS2.0")).status).toBe(401);
    expect((await RawWs.open(`${route}?token=gateway-token-2`, "ZWS2.0")).status).toBe(403);
    const foreign = await RawWs.open(`${route}?token=${token}`, "ZWS2.0", { Origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    const rebound = await RawWs.open(`${route}?token=${token}`, "ZWS2.0", {
      Origin: "http://127.0.0.1:8080",
      Host: `rebind.example:${new URL(route).port}`,
    });
    expect(rebound.status).toBe(403);
    // A foreign page, through a rebound name, without the token: refused before anything is read.
    const everything = await RawWs.open(route, "ZWS2.0", {
      Origin: "http://evil.example",
      Host: `rebind.example:${new URL(route).port}`,
    });
    expect([401, 403]).toContain(everything.status);
    const own = await RawWs.open(`${route}?token=${token}`, "ZWS2.0", { Origin: "http://127.0.0.1:8080" });
    expect(own.status).toBe(101);
    own.ws.destroy();
    expect(await listDevices(`${route}?token=${token}`, { timeout: 2000 })).toEqual({});
  });
});

describe("the gateway's registry route", () => {
  it("answers LIST with the devices it relays, and refuses REGISTER and the other writes", async () => {
    const { registryUrl, gateway, next } = await startGateway(cleanups);
    await tsDevice(registryUrl, "cam");
    await next((e) => e.event === "added" && e.name === "cam");
    const route = `${gateway.base}/registry`;
    expect(Object.keys(await listDevices(route))).toEqual(["cam"]);
    const attempt = registerDevice("camera", "tcp://127.0.0.1:22", "intruder", route, { timeout: 2000 });
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedByRegistry);
    await expect(attempt).rejects.toThrow(/read-only: LIST only/);
    expect(Object.keys(await listDevices(registryUrl))).toEqual(["cam"]); // the registry never saw it
  });

  it("relays only the allowed addresses, and says which it refused", async () => {
    const { registryUrl, gateway, next } = await startGateway(cleanups, { allowedAddresses: ["127.0.0.1"] });
    await registerDevice("camera", "tcp://127.0.0.2:22", "elsewhere", registryUrl);
    await registerDevice("camera", "ipc:///tmp/some.sock", "not-tcp", registryUrl);
    await tsDevice(registryUrl, "cam");
    await next((e) => e.event === "added" && e.name === "cam");
    expect(await next((e) => e.event === "refused" && e.name === "elsewhere")).toMatchObject({
      reason: "not in the allowed addresses",
    });
    expect(await next((e) => e.event === "refused" && e.name === "not-tcp")).toMatchObject({
      reason: "not a device address",
    });
    expect(Object.keys(gateway.devices)).toEqual(["cam"]);
    expect(Object.keys(await listDevices(`${gateway.base}/registry`))).toEqual(["cam"]);
  });

  it("an address range admits only canonical addresses: a leading zero (octal to the resolver) is refused", async () => {
    const { registryUrl, gateway, next } = await startGateway(cleanups, { allowedAddresses: ["127.0.0.0/8"] });
    // 0177.0.0.1 is 127.0.0.1 to the resolver, but 0127.0.0.1 is 87.0.0.1: no leading zero passes.
    await registerDevice("camera", "tcp://0127.0.0.1:22", "octal", registryUrl);
    await tsDevice(registryUrl, "cam");
    await next((e) => e.event === "added" && e.name === "cam");
    expect(await next((e) => e.event === "refused" && e.name === "octal")).toMatchObject({
      reason: "not in the allowed addresses",
    });
    expect(Object.keys(gateway.devices)).toEqual(["cam"]);
  });

  it("starts relays together: twenty unreachable devices do not hold back a real one", async () => {
    const { registryUrl, gateway, next } = await startGateway(cleanups, { timeout: 2000 });
    for (let i = 0; i < 20; i++) {
      await registerDevice("camera", `tcp://127.0.0.1:${await deadPort()}`, `ghost-${i}`, registryUrl);
    }
    await next((e) => e.event === "added" && e.name === "ghost-19");
    const started = Date.now();
    await tsDevice(registryUrl, "real");
    await next((e) => e.event === "added" && e.name === "real");
    // One at a time, each ghost cost its 2 s signal-port request: 40 s before the real device.
    expect(Date.now() - started).toBeLessThan(5000);
    const client = await RPCClient.connect(`${gateway.base}/real`, { timeout: 3000 });
    cleanups.push(() => client.close());
    const ticked = new Promise((resolve) => client.signal("tick").connect((n) => resolve(n)));
    expect(await client.call("add", [40])).toBe(42);
    await client.call("emit_tick", [3]);
    expect(await ticked).toBe(3);
  }, 30000);
});

describe("tokens stay out of messages", () => {
  it("an error about a URL with a token names the URL without the token's value", async () => {
    const { gateway } = await startGateway(cleanups, { access: { token: "s3cret-token-value" } });
    const failed = await RPCClient.connect(`${gateway.base}/nosuch?token=s3cret-token-value`, { timeout: 300 }).catch(
      (e: Error) => e,
    );
    expect(failed).toBeInstanceOf(Error);
    const listed = await listDevices(`ws://127.0.0.1:1/registry?token=s3cret-token-value`, { timeout: 300 }).catch(
      (e: Error) => e,
    );
    for (const e of [failed, listed] as Error[]) {
      expect(e.message).not.toContain("s3cret");
      expect(e.message).toMatch(/token=\*\*\*/);
    }
  });
});

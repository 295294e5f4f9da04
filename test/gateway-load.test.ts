/**
 * The gateway against floods: registered devices cost it nothing until a page opens one, it
 * relays at most maxDevices, it keeps following the registry whatever the devices do, and a page
 * that never reads holds at most maxQueuedBytes of replies.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type DeviceRegistry, registerDevice, RPCClient } from "../src/index.js";
import type { Pipe } from "../src/zmq/socket/pipe.js";
import { startGateway } from "../conformance/helpers/gateway.js";
import { makeTsDevice, registeredTsDevice } from "../conformance/helpers/ts-device.js";
import { settle, until } from "../conformance/helpers/wait.js";
import { deafPage } from "./helpers/deaf-page.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tsDevice = (registryUrl: string, name: string) => registeredTsDevice(registryUrl, name, cleanups);

/** REGISTERs straight to the registry's handler: thousands in a moment. */
function flood(registry: DeviceRegistry, count: number, addr: (i: number) => string): void {
  const handle = (registry as unknown as { handle(b: Uint8Array): unknown }).handle.bind(registry);
  for (let i = 0; i < count; i++) {
    const payload = { device_type: "camera", addr: addr(i), name: `fake-${i}` };
    handle(Buffer.from(JSON.stringify({ event: "REGISTER", payload })));
  }
}

/** A TCP port that counts the connections made to it (and holds them, saying nothing). */
async function countingPort(): Promise<{ port: number; connections: () => number; open: () => number }> {
  let connections = 0;
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((socket) => {
    socket.resume(); // read, so that a close by the other side is seen
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  const port = (server.address() as import("node:net").AddressInfo).port;
  return { port, connections: () => connections, open: () => sockets.size };
}

describe("the gateway under a flood of registrations", () => {
  it("connects to a device only while a page has it open", async () => {
    const { registryUrl, gateway, next } = await startGateway(cleanups, { idleTimeout: 100 });
    const device = await countingPort();
    await registerDevice("camera", `tcp://127.0.0.1:${device.port}`, "quiet", registryUrl);
    await next((e) => e.event === "added" && e.name === "quiet");
    await settle(300); // an absence check: nothing connects meanwhile
    expect(device.connections()).toBe(0);

    // A page opens it: the gateway connects; the page leaves: the connection goes after idleTimeout.
    const client = RPCClient.connect(`${gateway.base}/quiet`, { timeout: 500 }).catch((e: Error) => e);
    await until(() => device.open() > 0, { what: "the gateway's connection to the device" });
    expect(await client).toBeInstanceOf(Error); // the device says nothing
    await until(() => device.open() === 0, { what: "the gateway letting the device go" });
  });

  it("a device that speaks no ZeroMQ: a page's visit ends, and the gateway lets it go without failing", async () => {
    const { createServer: tcpServer } = await import("node:net");
    const http = tcpServer((socket) => {
      socket.on("error", () => {});
      socket.resume(); // read, so that the gateway's close is seen
      socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"); // not a ZMTP greeting: the connect() ends for good
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((r) => http.close(r)));
    const port = (http.address() as import("node:net").AddressInfo).port;
    const { registryUrl, gateway, next } = await startGateway(cleanups, { idleTimeout: 50 });
    await registerDevice("camera", `tcp://127.0.0.1:${port}`, "web-server", registryUrl);
    await next((e) => e.event === "added" && e.name === "web-server");
    const visit = await RPCClient.connect(`${gateway.base}/web-server`, { timeout: 300 }).catch((e: Error) => e);
    expect(visit).toBeInstanceOf(Error);
    // Past idleTimeout, with no page left (the page was counted when it connected, before its visit
    // failed), the relay lets the device go, though its connect() had ended already.
    const relay = (gateway as unknown as { relays: Map<string, { pages: number; connected: boolean }> }).relays.get(
      "web-server",
    )!;
    await until(() => relay.pages === 0 && !relay.connected, { what: "the relay letting the device go" });
    // Still serving: another device is relayed and answers.
    await tsDevice(registryUrl, "real");
    await next((e) => e.event === "added" && e.name === "real");
    const client = await RPCClient.connect(`${gateway.base}/real`, { timeout: 2000 });
    cleanups.push(() => client.close());
    expect(await client.call("add", [40])).toBe(42);
  });

  it("2,000 registrations at dead addresses cost nothing: a call through it is served, and it sees them expire", async () => {
    const { registry, registryUrl, gateway } = await startGateway(
      cleanups,
      { pollInterval: 200, maxDevices: 5000 },
      { registrationTimeout: 2 },
    );
    await tsDevice(registryUrl, "real");
    flood(registry, 2000, (i) => `tcp://127.0.0.1:${20000 + i}`); // nothing listens there
    await until(() => Object.keys(gateway.devices).length === 2001, { what: "2,001 relays", timeout: 20_000 });

    const cpu = process.cpuUsage();
    const started = performance.now();
    await settle(2000); // a measuring window: the CPU the gateway takes meanwhile
    const { user, system } = process.cpuUsage(cpu);
    const share = (user + system) / 1000 / (performance.now() - started);
    // Before, every listed device had a DEALER reconnecting and a request each second: 2,000
    // saturated a core, and the gateway's own look at the registry timed out.
    expect(share).toBeLessThan(0.3);

    const client = await RPCClient.connect(`${gateway.base}/real`, { timeout: 2000 });
    cleanups.push(() => client.close());
    expect(await client.call("add", [40])).toBe(42);
    await until(() => Object.keys(gateway.devices).join() === "real", { what: "the fakes expiring", timeout: 15_000 });
  }, 30_000);

  it("relays at most maxDevices, and says so once, not once per device", async () => {
    const { registry, gateway, events, next } = await startGateway(cleanups, { maxDevices: 10 });
    // The gateway's looks at the registry, counted where the registry answers them.
    const inside = registry as unknown as { handle(body: Uint8Array): unknown };
    const handle = inside.handle.bind(registry);
    let looks = 0;
    inside.handle = (body) => {
      if (Buffer.from(body).toString().includes('"LIST"')) looks++;
      return handle(body);
    };
    flood(registry, 25, (i) => `tcp://127.0.0.1:${20000 + i}`);
    const full = await next((e) => e.event === "full");
    expect(full).toEqual({ event: "full", maxDevices: 10, notRelayed: 15 });
    await until(() => Object.keys(gateway.devices).length === 10, { what: "ten relays" });
    const seen = looks;
    // An absence check over several more looks at the registry: no second "full".
    await until(() => looks >= seen + 4, { what: "four more looks at the registry" });
    expect(events.filter((e) => e.event === "full")).toHaveLength(1);
  });
});

describe("a page that never reads", () => {
  type RouterInside = { pipes: Set<Pipe>; dropCount: number };
  /** The front ROUTER of the relay for `name`. */
  function front(gateway: object, name: string): RouterInside {
    return (gateway as { relays: Map<string, { front: RouterInside }> }).relays.get(name)!.front;
  }
  /** 64 replies of 1 MiB do not fit in the limit (4 MiB) and the carrier and kernel buffers. */
  const REQUESTS = 64;

  it("through the gateway: holds at most maxQueuedBytes for it, and another page is served", async () => {
    const limit = 4 << 20;
    const { registryUrl, gateway, next } = await startGateway(cleanups, { maxQueuedBytes: limit });
    await tsDevice(registryUrl, "cam");
    await next((e) => e.event === "added" && e.name === "cam");
    const page = await deafPage(`${gateway.base}/cam`, "blob", [1 << 20], REQUESTS);
    cleanups.push(() => page.socket.destroy());
    await until(() => front(gateway, "cam").dropCount > 0, { what: "replies dropped past the limit", timeout: 20_000 });

    const client = await RPCClient.connect(`${gateway.base}/cam`, { timeout: 5000 });
    cleanups.push(() => client.close());
    const { buffer } = (await client.call("blob", [1 << 20])) as { buffer: Uint8Array };
    expect(buffer.length).toBe(1 << 20);
    for (const pipe of front(gateway, "cam").pipes) expect(pipe.pendingBytes).toBeLessThan(limit + (1 << 20) + 1024);
  }, 30_000);

  it("at a device's web endpoint: holds at most maxQueuedBytes for it, and another client is served", async () => {
    const limit = 4 << 20;
    const { server } = makeTsDevice("tcp://127.0.0.1", undefined, "ws://127.0.0.1:0");
    (server as unknown as { socket: { sendHighWaterBytes: number } }).socket.sendHighWaterBytes = limit; // maxQueuedBytes
    await server.start();
    void server.serveForever();
    cleanups.push(() => server.close());
    const socket = (server as unknown as { socket: RouterInside }).socket;
    const page = await deafPage(server.webEndpoints!.methods, "blob", [1 << 20], REQUESTS);
    cleanups.push(() => page.socket.destroy());
    await until(() => socket.dropCount > 0, { what: "replies dropped past the limit", timeout: 20_000 });

    const client = await RPCClient.connect(`tcp://127.0.0.1:${server.port}`, { timeout: 5000 });
    cleanups.push(() => client.close());
    expect(await client.call("add", [40])).toBe(42);
    for (const pipe of socket.pipes) expect(pipe.pendingBytes).toBeLessThan(limit + (1 << 20) + 1024);
  }, 30_000);
});

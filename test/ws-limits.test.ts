/**
 * What a WebSocket peer can make us hold is bounded: pongs do not pile up behind a peer that
 * does not read, a message has a size limit (fragments count toward it) and, where a route asks
 * for it, a time limit; a peer that breaks ZWS hears why in a close frame before the TCP close.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DeviceRegistry, Gateway } from "../src/index.js";
import { Pull, Router } from "../src/zmq/index.js";
import { RawWs } from "./helpers/raw-ws.js";
import { bound } from "./helpers/sockets.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(endpoint: string): Promise<RawWs> {
  const { ws, status } = await RawWs.open(endpoint, "ZWS2.0");
  expect(status).toBe(101);
  cleanups.push(() => ws.destroy());
  return ws;
}

/** Pings of 125 octets (the most a control frame holds), numbered from `first` in their first 4. */
function pings(first: number, count: number): Buffer {
  const size = 2 + 4 + 125; // header, mask (zero: the payload goes as it is), payload
  const out = Buffer.alloc(size * count);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    out[at] = 0x89;
    out[at + 1] = 0x80 | 125;
    out.writeUInt32BE(first + i, at + 6);
  }
  return out;
}

describe("pings from a peer that does not read", () => {
  it("are answered by at most one pong waiting: the server's memory stays flat, and the latest ping gets its pong", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0");
    const ws = await open(pull.lastEndpoint!);
    ws.socket.pause(); // never read while flooding
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    cleanups.push(() => clearInterval(sampler));
    // 1,000,000 pings (131 MB): past what the kernel's buffers hold, pongs would queue in the
    // server's memory if each got its own.
    const total = 1_000_000;
    const batch = 10_000;
    for (let i = 0; i < total; i += batch) {
      if (!ws.socket.write(pings(i, batch))) await new Promise((r) => ws.socket.once("drain", r));
    }
    // Now read: pongs come, the last one answering the last ping (so every ping was read).
    ws.socket.resume();
    let pongs = 0;
    for (;;) {
      const frame = await ws.nextFrame();
      if (!frame) throw new Error("closed before the last pong");
      if (frame.opcode !== 10) continue;
      pongs++;
      if (frame.payload.readUInt32BE(0) === total - 1) break;
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect((peak - before) / 2 ** 20).toBeLessThan(96); // MiB; 534 before pongs were coalesced
    expect(pongs).toBeLessThan(total / 2);
  }, 60000);
});

describe("messages that never end", () => {
  async function gatewayRoute(messageTimeout?: number): Promise<string> {
    const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
    await registry.start();
    cleanups.push(() => registry.stop());
    const gateway = new Gateway({
      registry: `tcp://127.0.0.1:${registry.port}`,
      listen: "ws://127.0.0.1:0",
      access: { messageTimeout },
    });
    await gateway.start();
    cleanups.push(() => gateway.stop());
    return `${gateway.base}/registry`;
  }

  it("a gateway route refuses a frame that announces 1 GiB (1009) before holding it", async () => {
    const ws = await open(await gatewayRoute());
    ws.socket.write(RawWs.frame(Buffer.alloc(1024 * 1024), 2, true, 1024 * 1024 * 1024));
    expect(await ws.closeCode()).toBe(1009);
    await ws.ended();
  });

  it("fragments count toward the limit", async () => {
    const router = await bound(new Router({ maxMessageSize: 1000 }), "ws://127.0.0.1:0");
    const ws = await open(router.lastEndpoint!);
    ws.socket.write(RawWs.frame(Buffer.alloc(600, 1), 2, false));
    ws.socket.write(RawWs.frame(Buffer.alloc(600, 1), 0, false));
    expect(await ws.closeCode()).toBe(1009);
  });

  it("a route with a message timeout drops a peer whose message stays unfinished (1008)", async () => {
    const ws = await open(await gatewayRoute(200));
    ws.socket.write(RawWs.frame(Buffer.from([0]), 2, false)); // a first fragment, and nothing more
    expect(await ws.closeCode()).toBe(1008);
    await ws.ended();
  });

  it("the timeout concerns unfinished messages only: a silent peer stays", async () => {
    const pull = await bound(new Pull({ wsMessageTimeout: 100 }), "ws://127.0.0.1:0");
    const ws = await open(pull.lastEndpoint!);
    const partial = await open(pull.lastEndpoint!);
    partial.socket.write(RawWs.frame(Buffer.from([0, 1, 2]), 2, true, 10)); // a frame cut short
    expect(await partial.closeCode()).toBe(1008);
    expect(ws.closed).toBe(false); // idle all along, and still connected
  });
});

describe("a peer that breaks ZWS", () => {
  it("hears 1003 for a text message before the connection closes", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0");
    const ws = await open(pull.lastEndpoint!);
    ws.send(Buffer.from("hello"), 1);
    expect(await ws.closeCode()).toBe(1003);
    await ws.ended();
  });

  it("hears 1002 for a frame with invalid ZWS flags", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0");
    const ws = await open(pull.lastEndpoint!);
    ws.send(Buffer.from([0xf0, 1, 2, 3]));
    expect(await ws.closeCode()).toBe(1002);
    await ws.ended();
  });
});

/**
 * What a WebSocket peer can make us hold is bounded: pongs do not pile up behind a peer that
 * does not read, a message has a size limit (fragments count toward it) and, where a route asks
 * for it, a time limit; a peer that breaks ZWS hears why in a close frame before the TCP close.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DeviceRegistry, Gateway } from "../src/index.js";
import { Pull, Router } from "../src/zmq/index.js";
import { until } from "../conformance/helpers/wait.js";
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

  it("empty fragments count too (64 octets each): a stream of them is refused, not kept", async () => {
    const router = await bound(new Router({ maxMessageSize: 1000 }), "ws://127.0.0.1:0");
    const ws = await open(router.lastEndpoint!);
    ws.socket.write(RawWs.frame(Buffer.alloc(0), 2, false));
    for (let i = 0; i < 20; i++) ws.socket.write(RawWs.frame(Buffer.alloc(0), 0, false));
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

describe("HTTP upgrades", () => {
  async function send(endpoint: string, chunks: Array<string | Buffer>): Promise<string> {
    const { connect } = await import("node:net");
    const { hostname, port } = new URL(endpoint);
    const socket = connect({ host: hostname, port: Number(port) });
    cleanups.push(() => socket.destroy());
    await new Promise((r) => socket.once("connect", r));
    let reply = "";
    // The head of the answer (a 101 leaves the connection open), or whatever came before the close.
    const answered = new Promise<void>((resolve) => {
      socket.on("data", (d) => {
        reply += d;
        if (reply.includes("\r\n\r\n")) resolve();
      });
      socket.once("close", () => resolve());
    });
    for (const chunk of chunks) socket.write(chunk);
    await answered;
    return reply;
  }
  const upgrade = (path: string, extra = "", connection = "Upgrade") =>
    `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: ${connection}\r\n` +
    `Sec-WebSocket-Key: ${Buffer.alloc(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Protocol: ZWS2.0\r\n${extra}\r\n`;

  it("a head over 16 KiB gets 431, whether it comes in one piece or in many", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/p");
    const big = upgrade("/p", `X-Pad: ${"a".repeat(20 * 1024)}\r\n`);
    expect(await send(pull.lastEndpoint!, [big])).toMatch(/^HTTP\/1\.1 431/);
    const pieces = [...Buffer.from(big)].map((b) => Buffer.from([b]));
    expect(await send(pull.lastEndpoint!, pieces.slice(0, 17 * 1024))).toMatch(/^HTTP\/1\.1 431/);
  });

  it("wants Connection: Upgrade beside Upgrade: websocket (426 otherwise)", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/p");
    expect(await send(pull.lastEndpoint!, [upgrade("/p", "", "keep-alive")])).toMatch(/^HTTP\/1\.1 426/);
  });

  it("reads a head sent an octet at a time in linear time, across the end's four octets", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/p");
    const { HeadReader } = await import("../src/zmq/transport/ws/ws-handshake.js");
    const head = upgrade("/p", `X-Pad: ${"a".repeat(15 * 1024)}\r\n`);
    const reader = new HeadReader();
    let result: ReturnType<typeof reader.push>;
    for (const octet of Buffer.from(`${head}rest`)) result ??= reader.push(Buffer.from([octet]));
    expect(result).toMatchObject({ head: head.slice(0, -4) });
    expect(
      await send(
        pull.lastEndpoint!,
        [...Buffer.from(head)].map((b) => Buffer.from([b])),
      ),
    ).toMatch(/^HTTP\/1\.1 101/);
  });
});

describe("connections on a WebSocket port", () => {
  it("a refused peer that keeps its side open is dropped after a moment (it would hold a place)", async () => {
    const { connect } = await import("node:net");
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/p");
    const { hostname, port } = new URL(pull.lastEndpoint!);
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    cleanups.push(() => socket.destroy());
    socket.on("data", () => {});
    socket.on("error", () => {});
    await new Promise((r) => socket.once("connect", r));
    const closed = new Promise((r) => socket.once("close", r));
    socket.write("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"); // 426, and we never close our side
    // Our side stays open; once the server has let go of its own, what we write is refused (RST).
    const poke = setInterval(() => socket.write("x"), 100);
    await closed;
    clearInterval(poke);
  });

  it("a route with maxConnections answers 503 past it, and takes one again once a place is free", async () => {
    const pull = await bound(new Pull({ maxConnections: 1 }), "ws://127.0.0.1:0/p");
    const first = await open(pull.lastEndpoint!);
    expect((await RawWs.open(pull.lastEndpoint!, "ZWS2.0")).status).toBe(503);
    first.destroy();
    const upgraded = async () => (await RawWs.open(pull.lastEndpoint!, "ZWS2.0")).status === 101;
    await until(upgraded, { interval: 20, what: "the place freed" });
  });

  it("a ZWS handshake command over 64 KiB is refused (1009), whatever maxMessageSize", async () => {
    const { encodeCommandBody, encodeMetadata } = await import("../src/zmq/codec/command.js");
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/p");
    const ws = await RawWs.open(pull.lastEndpoint!, "ZWS2.0/NULL");
    cleanups.push(() => ws.ws.destroy());
    const metadata = encodeMetadata([
      ["Socket-Type", "PUSH"],
      ["X-Pad", Buffer.alloc(70 * 1024)],
    ]);
    ws.ws.send(Buffer.concat([Buffer.from([0x02]), encodeCommandBody("READY", metadata)]));
    expect(await ws.ws.closeCode()).toBe(1009);
  });

  it("past 256 upgrades under way, another gets 503 at once; a finished one frees its place", async () => {
    const { connect } = await import("node:net");
    const { MAX_UPGRADING } = await import("../src/zmq/transport/ws/ws-server.js");
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/p");
    const { hostname, port } = new URL(pull.lastEndpoint!);
    const silent = async () => {
      const socket = connect({ host: hostname, port: Number(port) });
      cleanups.push(() => socket.destroy());
      await new Promise((r) => socket.once("connect", r));
      return socket;
    };
    const idle: import("node:net").Socket[] = [];
    for (let i = 0; i < MAX_UPGRADING; i++) idle.push(await silent());
    const refused = await silent();
    const reply = await new Promise<string>((resolve) => {
      let text = "";
      refused.on("data", (d) => (text += d)).once("close", () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 503/);
    const gone = new Promise((r) => idle[0]!.once("close", r));
    idle[0]!.destroy();
    await gone;
    const upgraded = async () => (await RawWs.open(pull.lastEndpoint!, "ZWS2.0")).status === 101;
    await until(upgraded, { interval: 20, what: "the place freed" });
  });
});

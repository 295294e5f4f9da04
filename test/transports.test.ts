import { spawn } from "node:child_process";
import * as net from "node:net";
import { describe, expect, it, vi } from "vitest";
import { Dealer, Pair, Pull, Push, ZmqError } from "../src/zmq/index.js";
import { bound, text, track } from "./helpers/sockets.js";

async function roundTrip(bindTo: string, connectTo?: (bound: string) => string) {
  const pull = await bound(new Pull(), bindTo);
  const push = track(new Push());
  push.connect(connectTo ? connectTo(pull.lastEndpoint!) : pull.lastEndpoint!);
  await push.send("ping");
  return { frames: text(await pull.receive()), endpoint: pull.lastEndpoint! };
}

describe("transports and endpoints", () => {
  it("tcp on IPv4 with an OS-chosen port, reported by lastEndpoint", async () => {
    const { frames, endpoint } = await roundTrip("tcp://127.0.0.1:*");
    expect(frames).toEqual(["ping"]);
    expect(endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint).not.toMatch(/:0$/);
  });

  it("tcp on IPv6 loopback", async () => {
    const { frames, endpoint } = await roundTrip("tcp://[::1]:0");
    expect(frames).toEqual(["ping"]);
    expect(endpoint).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
  });

  it("tcp bound to * and reached by host name", async () => {
    const { frames, endpoint } = await roundTrip("tcp://*:*", (e) => e.replace("0.0.0.0", "localhost"));
    expect(frames).toEqual(["ping"]);
    expect(endpoint).toMatch(/^tcp:\/\/0\.0\.0\.0:\d+$/);
  });

  it("ipc with a generated path", async () => {
    const { frames, endpoint } = await roundTrip("ipc://*");
    expect(frames).toEqual(["ping"]);
    expect(endpoint).toMatch(/^ipc:\/\/\/.+/);
  });

  it("inproc", async () => {
    const { frames } = await roundTrip("inproc://transport-test");
    expect(frames).toEqual(["ping"]);
  });

  it("rejects bad endpoints with typed errors", async () => {
    const s = track(new Pair());
    await expect(s.bind("pgm://127.0.0.1:1")).rejects.toMatchObject({ code: "EPROTONOSUPPORT" });
    // udp:// is libzmq's draft transport, for RADIO, DISH and DGRAM only.
    await expect(s.bind("udp://127.0.0.1:1")).rejects.toMatchObject({ code: "ENOCOMPATPROTO" });
    await expect(s.bind("tcp://127.0.0.1")).rejects.toMatchObject({ code: "EINVAL" });
    expect(() => s.connect("tcp://127.0.0.1:*")).toThrow(ZmqError);
    expect(() => s.connect("nonsense")).toThrow(
      expect.objectContaining({
        code: "EINVAL",
        address: "nonsense",
        detail: expect.stringMatching(/invalid endpoint/),
      }),
    );
  });

  it("reports EADDRINUSE", async () => {
    const a = await bound(new Pull());
    const b = track(new Pull());
    await expect(b.bind(a.lastEndpoint!)).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("unbind stops accepting and disconnect stops a connection", async () => {
    const pull = await bound(new Pull());
    const endpoint = pull.lastEndpoint!;
    await pull.unbind(endpoint);
    await expect(pull.unbind(endpoint)).rejects.toMatchObject({ code: "ENOENT" });
    const push = track(new Push());
    push.connect(endpoint);
    push.disconnect(endpoint);
    expect(() => push.disconnect(endpoint)).toThrow(
      expect.objectContaining({ code: "ENOENT", message: "No such endpoint", address: endpoint }),
    );
  });

  it("a closed socket refuses work with EBADF, as the native package", async () => {
    const s = track(new Pair());
    s.close();
    expect(s.closed).toBe(true);
    await expect(s.send("x")).rejects.toMatchObject({ code: "EBADF", message: "Socket is closed" });
    await expect(s.receive()).rejects.toMatchObject({ code: "EBADF" });
    expect(() => s.connect("tcp://127.0.0.1:1")).toThrow(expect.objectContaining({ code: "EBADF" }));
  });

  it("close() ends a pending receive and for-await loop", async () => {
    const pull = await bound(new Pull());
    const loop = (async () => {
      let n = 0;
      for await (const _ of pull) n++;
      return n;
    })();
    const pending = pull.receive();
    pull.close();
    await expect(pending).rejects.toMatchObject({ code: "EAGAIN" });
    expect(await loop).toBe(0);
  });

  it("linger: messages queued before close() still reach a connected peer", async () => {
    const pull = await bound(new Pull());
    const push = new Push();
    push.connect(pull.lastEndpoint!);
    await push.events.once("handshake");
    for (let i = 0; i < 100; i++) await push.send(String(i));
    push.close();
    const got: string[] = [];
    for (let i = 0; i < 100; i++) got.push(text(await pull.receive())[0]!);
    expect(got[99]).toBe("99");
  });
});

describe("TCP keepalive (tcpKeepalive, tcpKeepaliveIdle)", () => {
  it("is set on connected and accepted TCP connections, idle time in seconds", async () => {
    const calls: unknown[][] = [];
    const original = net.Socket.prototype.setKeepAlive;
    net.Socket.prototype.setKeepAlive = function (this: net.Socket, ...args: unknown[]) {
      calls.push(args);
      return original.apply(this, args as Parameters<typeof original>);
    };
    try {
      const pull = await bound(new Pull({ tcpKeepalive: 1, tcpKeepaliveIdle: 5 }));
      const push = track(new Push({ tcpKeepalive: 1, tcpKeepaliveIdle: 5 }));
      const accepted = pull.events.once("handshake");
      push.connect(pull.lastEndpoint!);
      await push.events.once("handshake");
      await accepted;
      expect(calls).toEqual([
        [true, 5000],
        [true, 5000],
      ]);
    } finally {
      net.Socket.prototype.setKeepAlive = original;
    }
  });

  it("is left to the OS by default", async () => {
    const spy = vi.spyOn(net.Socket.prototype, "setKeepAlive");
    try {
      const pull = await bound(new Pull());
      const push = track(new Push());
      push.connect(pull.lastEndpoint!);
      await push.events.once("handshake");
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe("connectTimeout", () => {
  it("gives up a TCP connection attempt that hangs, and retries", async () => {
    // A listener whose accept queue is full: the kernel drops further SYNs and connects hang.
    const listener = spawn(process.env.PLANTRPC_PYTHON ?? "/usr/bin/python3", [
      "-c",
      "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)",
    ]);
    try {
      const port = await new Promise<number>((resolve) =>
        listener.stdout.once("data", (d) => resolve(Number(String(d)))),
      );
      const filler = net.connect(port, "127.0.0.1");
      await new Promise((resolve) => filler.once("connect", resolve));
      const dealer = track(new Dealer({ connectTimeout: 200, reconnectInterval: 50 }));
      const events: string[] = [];
      const retried = new Promise<void>((resolve) =>
        dealer.events.on("*", (e) => {
          events.push(e.type);
          if (e.type === "connect:retry") resolve();
        }),
      );
      dealer.connect(`tcp://127.0.0.1:${port}`);
      await retried;
      expect(events).toEqual(["connect:delay", "close", "connect:retry"]);
      filler.destroy();
    } finally {
      listener.kill();
    }
  });
});

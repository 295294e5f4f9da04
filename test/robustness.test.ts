import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { encodeGreeting } from "../src/zmq/codec/greeting.js";
import { encodeMetadata } from "../src/zmq/codec/command.js";
import { curveKeyPair, Pull, Push, Reply, Request, Router, type SocketEvent } from "../src/zmq/index.js";
import { settle } from "../conformance/helpers/wait.js";
import { RawPeer } from "./helpers/raw-peer.js";
import { bound, text, track } from "./helpers/sockets.js";

/** A healthy REQ client proves the server kept serving after a bad connection. */
async function stillServes(rep: Reply): Promise<void> {
  const req = track(new Request());
  req.connect(rep.lastEndpoint!);
  await req.send("still there?");
  expect(text(await rep.receive())).toEqual(["still there?"]);
  await rep.send("yes");
  expect(text(await req.receive())).toEqual(["yes"]);
}

describe("a malformed stream closes only its own connection, with a typed error event", () => {
  it("bad greeting signature", async () => {
    const rep = await bound(new Reply());
    const event = rep.events.once("handshake:error:protocol");
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect((await event).error).toMatchObject({
      code: "ERR_ZMTP_UNSPECIFIED",
      message: "ZMTP protocol error",
      detail: expect.stringMatching(/bad greeting signature/),
    });
    await peer.waitClosed();
    await stillServes(rep);
  });

  it("ZMTP 2.0 peer", async () => {
    const rep = await bound(new Reply());
    const event = rep.events.once("handshake:error:protocol");
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.write(Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1]));
    expect((await event).error).toMatchObject({
      code: "ERR_ZMTP_UNSPECIFIED",
      detail: expect.stringMatching(/ZMTP major version 1;/),
    });
    await peer.waitClosed();
  });

  it("mechanism mismatch", async () => {
    const rep = await bound(new Reply());
    const event = rep.events.once("handshake:error:protocol");
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.write(encodeGreeting("CURVE", false));
    expect((await event).error).toMatchObject({ code: "ERR_ZMTP_MECHANISM_MISMATCH", message: "ZMTP protocol error" });
  });

  it("incompatible socket type: an ERROR command, then the close", async () => {
    const rep = await bound(new Reply());
    const event = rep.events.once("handshake:error:protocol");
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.handshake("PUB");
    expect((await event).error).toMatchObject({ code: "ERR_ZMTP_INVALID_METADATA" });
    await peer.waitClosed();
    expect(peer.commandNames()).toContain("ERROR");
    await stillServes(rep);
  });

  it("reserved flag bits after the handshake", async () => {
    const rep = await bound(new Reply());
    const event = rep.events.once("disconnect");
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.handshake("REQ");
    peer.write(Buffer.from([0xf0, 1, 2]));
    expect((await event).error).toMatchObject({ code: "EPROTO" });
    await peer.waitClosed();
    await stillServes(rep);
  });

  it("a message before the handshake", async () => {
    const rep = await bound(new Reply());
    const event = rep.events.once("handshake:error:protocol");
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.write(encodeGreeting("NULL", false));
    peer.message([Buffer.from("too early")]);
    expect((await event).error).toMatchObject({
      code: "ERR_ZMTP_UNEXPECTED_COMMAND",
      detail: expect.stringMatching(/before the handshake/),
    });
  });

  it("a frame over maxMessageSize is refused on its header", async () => {
    const pull = await bound(new Pull({ maxMessageSize: 1024 }));
    const event = pull.events.once("disconnect");
    const peer = await RawPeer.connect(pull.lastEndpoint!);
    peer.handshake("PUSH");
    // Announce 1 GiB and send only the header: the socket must not wait for (or buffer) it.
    peer.write(Buffer.from([0x02, 0, 0, 0, 0, 0x40, 0, 0, 0]));
    expect((await event).error).toMatchObject({ code: "EMSGSIZE" });
    await peer.waitClosed();
  });

  it("random garbage never throws out of the library", async () => {
    const rep = await bound(new Reply());
    const errors: SocketEvent[] = [];
    rep.events.on("handshake:error:protocol", (e) => errors.push(e));
    rep.events.on("disconnect", (e) => {
      if (e.error) errors.push(e);
    });
    for (let i = 0; i < 20; i++) {
      const peer = await RawPeer.connect(rep.lastEndpoint!);
      if (i % 2) peer.handshake("REQ");
      const junk = Buffer.alloc(200);
      for (let k = 0; k < junk.length; k++) junk[k] = (k * 7919 + i * 104729) & 0xff;
      peer.write(junk);
      await peer.waitClosed();
    }
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((e) => "error" in e && typeof e.error?.code === "string")).toBe(true);
    await stillServes(rep);
  });
});

describe("heartbeats", () => {
  it("answers a PING with a PONG echoing its context", async () => {
    const pull = await bound(new Pull());
    const peer = await RawPeer.connect(pull.lastEndpoint!);
    peer.handshake("PUSH");
    await peer.until(() => peer.commandNames().includes("READY"));
    peer.command("PING", Buffer.from([0, 0, 0x63, 0x74, 0x78]));
    await peer.until(() => peer.commandNames().includes("PONG"));
    const pong = peer.frames.find((f) => f.body.toString("latin1", 1, 5) === "PONG")!;
    expect(pong.body.subarray(5).toString()).toBe("ctx");
  });

  it("sends PINGs and drops a peer that stays silent past heartbeatTimeout", async () => {
    const pull = await bound(new Pull({ heartbeatInterval: 50, heartbeatTimeout: 150 }));
    const event = pull.events.once("disconnect");
    const peer = await RawPeer.connect(pull.lastEndpoint!);
    peer.handshake("PUSH");
    await peer.until(() => peer.commandNames().includes("PING"));
    expect((await event).error).toMatchObject({ code: "ETIMEDOUT" });
    await peer.waitClosed();
  });

  it("keeps a peer that answers", async () => {
    const rep = await bound(new Reply({ heartbeatInterval: 30, heartbeatTimeout: 100 }));
    const req = track(new Request({ heartbeatInterval: 30 }));
    req.connect(rep.lastEndpoint!);
    let dropped = false;
    rep.events.on("disconnect", () => (dropped = true));
    await req.send("a");
    await rep.receive();
    // An absence check: several heartbeat periods pass with no application traffic, and no drop.
    await settle(400);
    await rep.send("b");
    expect(text(await req.receive())).toEqual(["b"]);
    expect(dropped).toBe(false);
  });

  it("drops a peer that announced a PING TTL and then went silent", async () => {
    const pull = await bound(new Pull());
    const event = pull.events.once("disconnect");
    const peer = await RawPeer.connect(pull.lastEndpoint!);
    peer.handshake("PUSH");
    peer.command("PING", Buffer.from([0, 2])); // TTL 200 ms
    expect((await event).error).toMatchObject({ code: "ETIMEDOUT" });
  });
});

describe("reconnection", () => {
  it("reconnects after the peer restarts, and keeps delivering", async () => {
    const first = await bound(new Pull());
    const endpoint = first.lastEndpoint!;
    const push = track(new Push({ reconnectInterval: 20 }));
    push.connect(endpoint);
    await push.send("before");
    expect(text(await first.receive())).toEqual(["before"]);
    const disconnected = push.events.once("disconnect");
    first.close();
    await disconnected;
    const second = await bound(new Pull(), endpoint);
    await push.send("after");
    expect(text(await second.receive())).toEqual(["after"]);
  });

  it("backs off between attempts up to reconnectMaxInterval", async () => {
    const push = track(new Push({ reconnectInterval: 10, reconnectMaxInterval: 40 }));
    const intervals: number[] = [];
    const done = new Promise<void>((resolve) =>
      push.events.on("connect:retry", (e) => {
        intervals.push(e.interval!);
        if (intervals.length === 5) resolve();
      }),
    );
    push.connect("tcp://127.0.0.1:9");
    await done;
    // Doubling up to the maximum, plus libzmq's random part of up to one base interval.
    const bases = [10, 20, 40, 40, 40];
    intervals.forEach((interval, i) => {
      expect(interval).toBeGreaterThanOrEqual(bases[i]!);
      expect(interval).toBeLessThan(bases[i]! + 10);
    });
  });
});

/** A TCP relay to `endpoint` that keeps what the server sends; resolves with its endpoint. */
async function recordingRelay(
  endpoint: string,
): Promise<{ endpoint: string; fromServer: () => Buffer; serverClosed: Promise<void> }> {
  const { createServer, connect } = await import("node:net");
  const target = new URL(endpoint.replace("tcp://", "http://"));
  const received: Buffer[] = [];
  let serverClosed = () => {};
  const closed = new Promise<void>((r) => (serverClosed = r));
  const server = createServer((client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    upstream.on("data", (d: Buffer) => received.push(d));
    upstream.on("close", () => serverClosed());
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) s.on("error", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  track({ close: () => server.close() } as never);
  const port = (server.address() as import("node:net").AddressInfo).port;
  return { endpoint: `tcp://127.0.0.1:${port}`, fromServer: () => Buffer.concat(received), serverClosed: closed };
}

describe("a peer's metadata is judged before our READY goes", () => {
  for (const mechanism of ["PLAIN", "CURVE"] as const) {
    it(`a ${mechanism} client of a socket type we do not talk to gets an ERROR and no READY`, async () => {
      const keys = curveKeyPair();
      const server =
        mechanism === "PLAIN" ? { plainServer: true } : { curveServer: true, curveSecretKey: keys.secretKey };
      const client =
        mechanism === "PLAIN"
          ? { plainUsername: "u", plainPassword: "p" }
          : { curveServerKey: keys.publicKey, ...curveClientKeys() };
      if (mechanism === "PLAIN") await admitEveryone();
      const pull = await bound(new Pull(server));
      const refused = pull.events.once("handshake:error:protocol");
      const relay = await recordingRelay(pull.lastEndpoint!);
      const other = track(new Pull(client)); // PULL cannot talk to PULL
      other.connect(relay.endpoint);
      expect((await refused).error).toMatchObject({ code: "ERR_ZMTP_INVALID_METADATA" });
      await relay.serverClosed;
      const sent = relay.fromServer();
      expect(sent.includes(Buffer.from("\x05ERROR"))).toBe(true);
      expect(sent.includes(Buffer.from("\x05READY"))).toBe(false);
    });
  }

  it("a routing id over 255 octets is refused (ZMTP allows 255)", async () => {
    const router = await bound(new Router());
    const refused = router.events.once("handshake:error:protocol");
    const peer = await RawPeer.connect(router.lastEndpoint!);
    const g = encodeGreeting("NULL", false);
    peer.write(g);
    const metadata = encodeMetadata([
      ["Socket-Type", "DEALER"],
      ["Identity", Buffer.alloc(256, 1)],
    ]);
    peer.command("READY", metadata);
    expect((await refused).error).toMatchObject({ code: "ERR_ZMTP_INVALID_METADATA" });
    await peer.waitClosed();
  });
});

/** A ZAP handler that admits every client (a PLAIN server admits no one without one). */
async function admitEveryone(): Promise<void> {
  const handler = await bound(new Reply(), "inproc://zeromq.zap.01");
  void (async () => {
    for await (const [version, id] of handler) await handler.send([version!, id!, "200", "OK", "", ""]);
  })();
}

function curveClientKeys() {
  const { publicKey, secretKey } = curveKeyPair();
  return { curvePublicKey: publicKey, curveSecretKey: secretKey };
}

describe("a message of endless empty frames", () => {
  it("is refused past maxMessageSize / 64 frames (at least 1024), and the socket serves the next peer", async () => {
    const rep = await bound(new Reply({ maxMessageSize: 64 * 1024 }));
    const refused = new Promise<void>((resolve) => {
      void (async () => {
        for await (const e of rep.events) if (e.type === "disconnect" && e.error?.code === "EMSGSIZE") return resolve();
      })();
    });
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.handshake("REQ");
    peer.write(Buffer.alloc(2 * 1025, Buffer.from([1, 0]))); // 1025 empty frames with MORE
    await refused;
    await peer.waitClosed();
    await stillServes(rep);
  });
});

describe("handshake commands", () => {
  it("over 64 KiB are refused on their header, whatever maxMessageSize (no limit here)", async () => {
    const rep = await bound(new Reply());
    const refused = rep.events.once("handshake:error:protocol");
    const peer = await RawPeer.connect(rep.lastEndpoint!);
    peer.write(encodeGreeting("NULL", false));
    peer.command(
      "READY",
      encodeMetadata([
        ["Socket-Type", "REQ"],
        ["X-Pad", Buffer.alloc(70 * 1024)],
      ]),
    );
    expect((await refused).error.message).toMatch(/ZMTP protocol error/);
    await peer.waitClosed();
    await stillServes(rep);
  });
});

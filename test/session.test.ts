/**
 * The session on its own (src/zmq/socket/session.ts), with a fake socket (SessionHost) that
 * records what it is told and fake connections the test drives: a bound socket's session
 * (Session.accept), and a connect()'s over the in-process transport (unique names per test) or
 * TCP on 127.0.0.1: the pipe's life, the events, reconnection and its end, close() and linger.
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Connection, ConnectionOwner, PeerInfo } from "../src/zmq/engine/connection.js";
import { AuthError, ProtocolError, ZmqError, ZmtpProtocolError } from "../src/zmq/errors.js";
import type { SocketEvent } from "../src/zmq/events.js";
import type { MechanismFactory } from "../src/zmq/mechanism/mechanism.js";
import { type Message, Pipe } from "../src/zmq/socket/pipe.js";
import type { PipeEvents } from "../src/zmq/socket/pipe-events.js";
import { Session, type SessionHost } from "../src/zmq/socket/session.js";
import type { Carrier } from "../src/zmq/transport/carrier.js";
import { inprocTransport } from "../src/zmq/transport/inproc.js";
import { settle, until } from "../conformance/helpers/wait.js";

/** A connection the test drives: it records what it is asked, into the host's log as well. */
class FakeConnection implements Connection {
  state: Connection["state"] = "handshake";
  peer: PeerInfo | undefined = { socketType: "DEALER", identity: Buffer.alloc(0), minor: 1, metadata: new Map() };
  blocked = false;
  readonly remoteAddress = "tcp://127.0.0.1:40000";
  batchedMessages = 0;
  readonly sent: Message[] = [];
  readonly calls: string[] = [];
  readonly refusals: ZmqError[] = [];

  constructor(
    readonly carrier: Carrier,
    readonly mechanism: MechanismFactory,
    readonly bound: boolean,
    readonly owner: ConnectionOwner,
    private readonly log: string[],
  ) {}

  start(): void {
    this.calls.push("start");
  }
  sendMessage(frames: readonly Uint8Array[]): void {
    this.sent.push([...frames]);
    this.log.push(`send:${frames.map((f) => f.byteLength).join(",")}`);
  }
  sendCommand(name: string): void {
    this.calls.push(`command:${name}`);
  }
  pauseReading(): void {
    this.calls.push("pause");
  }
  resumeReading(): void {
    this.calls.push("resume");
  }
  closeGracefully(): void {
    this.calls.push("closeGracefully");
  }
  close(): void {
    this.calls.push("close");
  }
  refuse(error: ZmqError): void {
    this.calls.push("refuse");
    this.refusals.push(error);
  }
}

interface HostSettings {
  immediate: boolean;
  probeRouter: boolean;
  linger: number;
  reconnectInterval: number;
  reconnectMaxInterval: number;
  closed: boolean;
}

const mechanism: MechanismFactory = {
  name: "NULL",
  asServer: (bound) => bound,
  create: () => {
    throw new Error("the fake connections need no mechanism");
  },
};

/** A socket as the session sees it: everything it is told is logged in order. */
function fakeHost(values: Partial<HostSettings> = {}) {
  const settings: HostSettings = {
    immediate: false,
    probeRouter: false,
    linger: 0,
    reconnectInterval: 10_000,
    reconnectMaxInterval: 0,
    closed: false,
    ...values,
  };
  const log: string[] = [];
  const emitted: SocketEvent[] = [];
  const connections: FakeConnection[] = [];
  const pipes: Pipe[] = [];
  const attached: Pipe[] = [];
  const detached: Pipe[] = [];
  const ended: Session[] = [];
  const peersAsked: Array<{ pipe: Pipe; peer: PeerInfo | undefined; connectedTo: string | undefined }> = [];
  const messages: Array<{ pipe: Pipe; frames: Buffer[] }> = [];
  const subscriptions: Array<{ pipe: Pipe; subscribe: boolean; topic: Buffer }> = [];
  const state = { refusal: undefined as ZmqError | undefined };
  const events: PipeEvents = {
    pipeConnected: () => log.push("pipeConnected"),
    pipeDisconnected: () => log.push("pipeDisconnected"),
    pipeMessage: (pipe, frames) => {
      log.push("pipeMessage");
      messages.push({ pipe, frames });
    },
    pipeSubscription: (pipe, subscribe, topic) => {
      log.push("pipeSubscription");
      subscriptions.push({ pipe, subscribe, topic });
    },
    pipeWritable: () => log.push("pipeWritable"),
  };
  const noLimit = () => 0;
  const host: SessionHost = {
    events,
    isClosed: () => settings.closed,
    settings: {
      immediate: () => settings.immediate,
      probeRouter: () => settings.probeRouter,
      linger: () => settings.linger,
      reconnectInterval: () => settings.reconnectInterval,
      reconnectMaxInterval: () => settings.reconnectMaxInterval,
    },
    connectOptions: (m) => {
      expect(m).toBe(mechanism);
      return {};
    },
    openConnection: (carrier, m, bound, owner) => {
      log.push("openConnection");
      const c = new FakeConnection(carrier, m, bound, owner, log);
      connections.push(c);
      return c;
    },
    newPipe: (endpoint) => {
      log.push("newPipe");
      const limits = { sendHighWaterMark: noLimit, sendHighWaterBytes: noLimit, receiveHighWaterMark: noLimit };
      const pipe = new Pipe(endpoint, { ...limits, conflate: () => false });
      pipes.push(pipe);
      return pipe;
    },
    emit: (event) => {
      log.push(`emit:${event.type}`);
      emitted.push(event);
    },
    acceptPeer: (pipe, peer, connectedTo) => {
      log.push("acceptPeer");
      peersAsked.push({ pipe, peer, connectedTo });
      return state.refusal;
    },
    attachPipe: (pipe) => {
      log.push("attachPipe");
      attached.push(pipe);
    },
    detachPipe: (pipe) => {
      log.push("detachPipe");
      detached.push(pipe);
    },
    sessionEnded: (session) => {
      log.push("sessionEnded");
      ended.push(session);
    },
  };
  const types = () => emitted.map((e) => e.type);
  const ofType = <T extends SocketEvent["type"]>(type: T) =>
    emitted.filter((e): e is Extract<SocketEvent, { type: T }> => e.type === type);
  return {
    host,
    settings,
    state,
    log,
    emitted,
    connections,
    pipes,
    attached,
    detached,
    ended,
    peersAsked,
    messages,
    subscriptions,
    types,
    ofType,
  };
}

type Host = ReturnType<typeof fakeHost>;

/** A carrier that only records being destroyed (the fake connections never use it). */
function fakeCarrier(): Carrier & { destroyed: number } {
  return {
    remoteAddress: "tcp://127.0.0.1:40000",
    destroyed: 0,
    start() {},
    write: () => true,
    pause() {},
    resume() {},
    end() {},
    destroy() {
      this.destroyed++;
    },
  };
}

const BOUND = "tcp://127.0.0.1:5555";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function accepted(h: Host): { session: Session; engine: FakeConnection; carrier: ReturnType<typeof fakeCarrier> } {
  const carrier = fakeCarrier();
  const session = Session.accept(h.host, carrier, mechanism, BOUND);
  return { session, engine: h.connections[0]!, carrier };
}

/** An accepted session whose peer completed its handshake. */
function readySession(h: Host) {
  const s = accepted(h);
  s.engine.state = "ready";
  s.session.engineReady(s.engine);
  return { ...s, pipe: s.session.pipe! };
}

const msg = (...bytes: number[]): Message => [new Uint8Array(bytes)];

describe("Session.accept (a bound socket's peer)", () => {
  it("opens the connection on the carrier as the bound side and starts it; no pipe and no event yet", () => {
    const h = fakeHost();
    const { session, engine, carrier } = accepted(h);
    expect(h.connections).toHaveLength(1);
    expect(engine.carrier).toBe(carrier);
    expect(engine.bound).toBe(true);
    expect(engine.owner).toBe(session);
    expect(engine.mechanism).toBe(mechanism);
    expect(engine.calls).toEqual(["start"]);
    expect(session.engine).toBe(engine);
    expect(session.pipe).toBeUndefined();
    expect(session.endpoint).toBeUndefined();
    expect(session.address).toBe(BOUND);
    expect(h.attached).toEqual([]);
    expect(h.emitted).toEqual([]);
  });

  it("engineReady: the peer accepted, a pipe attached to the engine, a handshake event, then pipeConnected and pipeWritable", () => {
    const h = fakeHost();
    const { session, engine } = accepted(h);
    h.log.length = 0;
    engine.state = "ready";
    session.engineReady(engine);
    expect(h.log).toEqual(["newPipe", "acceptPeer", "attachPipe", "emit:handshake", "pipeConnected", "pipeWritable"]);
    const pipe = session.pipe!;
    expect(pipe).toBe(h.pipes[0]);
    expect(pipe.endpoint).toBe(engine.remoteAddress); // an accepted peer is named by its address
    expect(pipe.attached).toBe(true);
    expect(pipe.connected).toBe(true);
    expect(pipe.peer).toBe(engine.peer);
    expect(h.peersAsked).toEqual([{ pipe, peer: engine.peer, connectedTo: undefined }]);
    expect(h.attached).toEqual([pipe]);
    expect(h.emitted).toEqual([{ type: "handshake", address: BOUND }]);
    expect(engine.sent).toEqual([]); // no probe unless asked
    pipe.write(msg(7));
    expect(engine.sent).toEqual([msg(7)]);
  });

  it("probeRouter: an empty message goes to the peer first, before pipeConnected", () => {
    const h = fakeHost({ probeRouter: true });
    const { session, engine } = accepted(h);
    engine.state = "ready";
    session.engineReady(engine);
    expect(engine.sent).toEqual([[new Uint8Array(0)]]);
    expect(h.log.slice(h.log.indexOf("emit:handshake"))).toEqual([
      "emit:handshake",
      "send:0",
      "pipeConnected",
      "pipeWritable",
    ]);
  });

  it("a peer the socket refuses: engine.refuse(reason), no pipe attached, no pipe event; its close reports the refusal", () => {
    const h = fakeHost();
    const why = new ZmqError("EADDRINUSE", "a second peer of a PAIR");
    h.state.refusal = why;
    const { session, engine } = accepted(h);
    engine.state = "ready";
    session.engineReady(engine);
    expect(engine.calls).toEqual(["start", "refuse"]);
    expect(engine.refusals).toEqual([why]);
    expect(h.attached).toEqual([]);
    expect(session.pipe).toBeUndefined();
    expect(h.pipes[0]?.attached).toBe(false);
    expect(h.log).not.toContain("pipeConnected");
    expect(h.emitted).toEqual([]);
    // The engine closes with the refusal itself (Engine.refuse).
    session.engineClosed(engine, why);
    expect(h.log).not.toContain("pipeDisconnected");
    expect(h.types()).toEqual(["handshake:error:other", "disconnect"]);
    expect(h.ofType("handshake:error:other")[0]!.error).toBe(why);
    expect(h.ended).toEqual([session]);
  });

  it("engineMessage and engineSubscription reach the events with the pipe", () => {
    const h = fakeHost();
    const { session, engine, pipe } = readySession(h);
    const frames = [Buffer.from("a"), Buffer.from("b")];
    session.engineMessage(engine, frames);
    session.engineSubscription(engine, true, Buffer.from("topic"));
    session.engineSubscription(engine, false, Buffer.from("topic"));
    expect(h.messages).toEqual([{ pipe, frames }]);
    expect(h.messages[0]!.frames).toBe(frames);
    expect(h.subscriptions).toEqual([
      { pipe, subscribe: true, topic: Buffer.from("topic") },
      { pipe, subscribe: false, topic: Buffer.from("topic") },
    ]);
  });

  it("engineWritable: nothing before the handshake; after it, the pipe drained then pipeWritable", () => {
    const h = fakeHost();
    const { session, engine } = accepted(h);
    session.engineWritable();
    expect(h.log).not.toContain("pipeWritable");
    engine.state = "ready";
    session.engineReady(engine);
    const pipe = session.pipe!;
    engine.blocked = true;
    pipe.write(msg(1));
    pipe.write(msg(2));
    engine.blocked = false;
    h.log.length = 0;
    session.engineWritable();
    expect(engine.sent).toEqual([msg(1), msg(2)]);
    expect(h.log).toEqual(["send:1", "send:1", "pipeWritable"]);
  });

  it("engineWritable once the socket closed: the connection closes gracefully when nothing is left, and no pipeWritable", () => {
    const h = fakeHost({ linger: 1000 });
    const { session, engine, pipe } = readySession(h);
    engine.blocked = true;
    pipe.write(msg(1));
    h.settings.closed = true;
    engine.blocked = true;
    session.engineWritable(); // still blocked: the message stays
    expect(engine.calls).not.toContain("closeGracefully");
    engine.blocked = false;
    h.log.length = 0;
    session.engineWritable();
    expect(engine.sent).toEqual([msg(1)]);
    expect(engine.calls).toContain("closeGracefully");
    expect(h.log).not.toContain("pipeWritable");
  });

  it.each([
    ["no error", undefined],
    ["a broken connection (ECONNRESET)", new ZmqError("ECONNRESET", "reset")],
  ])(
    "engineClosed after the handshake (%s): pipeDisconnected, the pipe detached, a disconnect event, the session ended",
    (_name, error) => {
      const h = fakeHost();
      const { session, engine, pipe } = readySession(h);
      h.log.length = 0;
      session.engineClosed(engine, error);
      expect(h.log).toEqual(["pipeDisconnected", "detachPipe", "emit:disconnect", "sessionEnded"]);
      expect(pipe.attached).toBe(false);
      expect(h.detached).toEqual([pipe]);
      expect(h.emitted.at(-1)).toEqual({ type: "disconnect", address: BOUND });
      expect(h.ended).toEqual([session]);
      expect(session.engine).toBeUndefined();
      expect(session.pipe).toBeUndefined();
    },
  );

  it("engineClosed after the handshake with a protocol error: the disconnect carries it, no handshake error event", () => {
    const h = fakeHost();
    const { session, engine } = readySession(h);
    const error = new ProtocolError("EPROTO", "a malformed frame");
    session.engineClosed(engine, error);
    expect(h.types()).toEqual(["handshake", "disconnect"]);
    expect(h.ofType("disconnect")[0]).toEqual({ type: "disconnect", address: BOUND, error });
    expect(h.ended).toEqual([session]);
  });

  it("engineClosed during the handshake with a protocol error: handshake:error:protocol with libzmq's code, then disconnect", () => {
    const h = fakeHost();
    const { session, engine } = accepted(h);
    session.engineClosed(engine, new ProtocolError("EPROTO", "unexpected command", "ERR_ZMTP_UNEXPECTED_COMMAND"));
    expect(h.types()).toEqual(["handshake:error:protocol", "disconnect"]);
    const event = h.ofType("handshake:error:protocol")[0]!;
    expect(event.address).toBe(BOUND);
    expect(event.error).toBeInstanceOf(ZmtpProtocolError);
    expect(event.error.code).toBe("ERR_ZMTP_UNEXPECTED_COMMAND");
    expect(event.error.detail).toBe("unexpected command");
    expect(h.log).not.toContain("pipeDisconnected");
    expect(h.ended).toEqual([session]);

    // A ZmqError of a protocol code without libzmq's classification: ERR_ZMTP_UNSPECIFIED.
    const h2 = fakeHost();
    const s2 = accepted(h2);
    s2.session.engineClosed(s2.engine, new ZmqError("EMSGSIZE", "frame too large"));
    expect(h2.ofType("handshake:error:protocol")[0]!.error.code).toBe("ERR_ZMTP_UNSPECIFIED");
  });

  it("engineClosed during the handshake: an AuthError is handshake:error:auth, anything else (a peer's end, a reset) handshake:error:other", () => {
    const reset = fakeHost();
    const a = accepted(reset);
    const gone = new ZmqError("ECONNRESET", "gone");
    a.session.engineClosed(a.engine, gone);
    expect(reset.types()).toEqual(["handshake:error:other", "disconnect"]);
    expect(reset.ofType("handshake:error:other")[0]!.error).toBe(gone);
    // The disconnection itself carries no error (as libzmq's).
    expect(reset.ofType("disconnect")[0]).toEqual({ type: "disconnect", address: BOUND });

    const auth = fakeHost();
    const b = accepted(auth);
    const denied = new AuthError(400, "denied");
    b.session.engineClosed(b.engine, denied);
    expect(auth.types()).toEqual(["handshake:error:auth", "disconnect"]);
    expect(auth.ofType("handshake:error:auth")[0]).toEqual({
      type: "handshake:error:auth",
      address: BOUND,
      error: denied,
    });

    const other = fakeHost();
    const c = accepted(other);
    const timedOut = new ZmqError("ETIMEDOUT", "no handshake in time");
    c.session.engineClosed(c.engine, timedOut);
    expect(other.types()).toEqual(["handshake:error:other", "disconnect"]);
    expect(other.ofType("handshake:error:other")[0]!.error).toBe(timedOut);
  });

  it("close() with linger 0 closes the engine at once, messages queued or not", () => {
    const h = fakeHost({ linger: 0 });
    const { session, engine, pipe } = readySession(h);
    engine.blocked = true;
    pipe.write(msg(1));
    session.close();
    expect(engine.calls).toEqual(["start", "close"]);
    expect(engine.sent).toEqual([]);
  });

  it("close() with linger > 0: what is queued drained, then closeGracefully; the engine closed after linger ms at most", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const h = fakeHost({ linger: 500 });
    const { session, engine, pipe } = readySession(h);
    engine.blocked = true;
    pipe.write(msg(1));
    pipe.write(msg(2));
    engine.blocked = false;
    h.log.length = 0;
    session.close();
    expect(engine.sent).toEqual([msg(1), msg(2)]);
    expect(engine.calls).toEqual(["start", "closeGracefully"]);
    vi.advanceTimersByTime(499);
    expect(engine.calls).toEqual(["start", "closeGracefully"]);
    vi.advanceTimersByTime(1);
    expect(engine.calls).toEqual(["start", "closeGracefully", "close"]);
  });

  it("close() with linger > 0 and the engine blocked: no graceful close until what is queued has gone", () => {
    const h = fakeHost({ linger: 1000 });
    const { session, engine, pipe } = readySession(h);
    engine.blocked = true;
    pipe.write(msg(1));
    h.settings.closed = true;
    session.close();
    expect(engine.calls).toEqual(["start"]);
    engine.blocked = false;
    session.engineWritable();
    expect(engine.sent).toEqual([msg(1)]);
    expect(engine.calls).toEqual(["start", "closeGracefully"]);
  });

  it("close() during the handshake closes the engine at once, whatever linger", () => {
    const h = fakeHost({ linger: -1 });
    const { session, engine } = accepted(h);
    session.close();
    expect(engine.calls).toEqual(["start", "close"]);
  });

  it("stop(): the engine closed, the pipe detached, the session ended; drop() closes the engine", () => {
    const h = fakeHost();
    const { session, engine, pipe } = readySession(h);
    h.log.length = 0;
    session.stop();
    expect(engine.calls).toEqual(["start", "close"]);
    expect(h.detached).toEqual([pipe]);
    expect(h.ended).toEqual([session]);

    const h2 = fakeHost();
    const s2 = readySession(h2);
    s2.session.drop();
    expect(s2.engine.calls).toEqual(["start", "close"]);
    expect(h2.detached).toEqual([]);
  });
});

/** A fresh inproc name, bound with an accept callback that records the carriers. */
async function inprocPeer(bind = true) {
  const name = `session-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const carriers: Carrier[] = [];
  const listen = async () => {
    const listener = await inprocTransport.listen(name, (carrier) => carriers.push(carrier));
    cleanups.push(() => listener.close());
  };
  if (bind) await listen();
  return { endpoint: `inproc://${name}`, carriers, listen };
}

function connectSession(h: Host, endpoint: string): Session {
  const session = Session.connect(h.host, endpoint, mechanism);
  cleanups.push(() => session.stop());
  return session;
}

async function connection(h: Host, n: number): Promise<FakeConnection> {
  await until(() => h.connections.length >= n, { timeout: 5000, what: `connection #${n}` });
  return h.connections[n - 1]!;
}

describe("Session.connect (over inproc and tcp)", () => {
  it("the pipe exists and is attached at once, before any connection; the connection is then opened as the connecting side", async () => {
    const peer = await inprocPeer();
    const h = fakeHost();
    const session = connectSession(h, peer.endpoint);
    expect(session.pipe).toBeDefined();
    expect(session.pipe!.endpoint).toBe(peer.endpoint);
    expect(session.pipe!.attached).toBe(false);
    expect(h.attached).toEqual([session.pipe]);
    const engine = await connection(h, 1);
    expect(engine.bound).toBe(false);
    expect(engine.owner).toBe(session);
    expect(engine.calls).toEqual(["start"]);
    expect(session.engine).toBe(engine);
    expect(peer.carriers).toHaveLength(1);
    expect(h.emitted).toEqual([{ type: "connect", address: peer.endpoint }]); // no connect:delay for inproc
    engine.state = "ready";
    session.engineReady(engine);
    expect(h.attached).toHaveLength(1); // the same pipe, attached once
    expect(session.pipe!.attached).toBe(true);
    expect(h.peersAsked[0]!.connectedTo).toBe(peer.endpoint);
    expect(h.ofType("handshake")).toEqual([{ type: "handshake", address: peer.endpoint }]);
  });

  it("immediate: no pipe until the handshake; one named by the endpoint then, detached when the connection breaks", async () => {
    const peer = await inprocPeer();
    const h = fakeHost({ immediate: true });
    const session = connectSession(h, peer.endpoint);
    expect(session.pipe).toBeUndefined();
    expect(h.attached).toEqual([]);
    const engine = await connection(h, 1);
    engine.state = "ready";
    session.engineReady(engine);
    const pipe = session.pipe!;
    expect(pipe.endpoint).toBe(peer.endpoint);
    expect(h.attached).toEqual([pipe]);
    session.engineClosed(engine, new ZmqError("ECONNRESET", "gone"));
    expect(h.detached).toEqual([pipe]);
    expect(session.pipe).toBeUndefined();
    expect(h.types()).toContain("connect:retry"); // still reconnecting
    expect(h.ended).toEqual([]);
  });

  it("messages written before the connection wait in the pipe, and follow the probe once the peer is ready", async () => {
    const peer = await inprocPeer();
    const h = fakeHost({ probeRouter: true });
    const session = connectSession(h, peer.endpoint);
    session.pipe!.write(msg(1));
    session.pipe!.write(msg(2));
    const engine = await connection(h, 1);
    expect(engine.sent).toEqual([]);
    engine.state = "ready";
    session.engineReady(engine);
    expect(engine.sent).toEqual([[new Uint8Array(0)], msg(1), msg(2)]);
    expect(h.log.slice(h.log.indexOf("emit:handshake"))).toEqual([
      "emit:handshake",
      "send:0",
      "pipeConnected",
      "send:1",
      "send:1",
      "pipeWritable",
    ]);
  });

  it("a broken connection: pipeDisconnected, the pipe kept, connect:retry with the reconnect interval, and a new connection to the same pipe", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const peer = await inprocPeer();
    const h = fakeHost({ reconnectInterval: 20 });
    const session = connectSession(h, peer.endpoint);
    const pipe = session.pipe!;
    const first = await connection(h, 1);
    first.state = "ready";
    session.engineReady(first);
    h.log.length = 0;
    session.engineClosed(first, new ZmqError("ECONNRESET", "gone"));
    expect(h.log).toEqual(["pipeDisconnected", "emit:disconnect", "emit:connect:retry"]);
    expect(h.ofType("connect:retry")).toEqual([{ type: "connect:retry", address: peer.endpoint, interval: 20 }]);
    expect(session.pipe).toBe(pipe);
    expect(pipe.attached).toBe(false);
    expect(h.detached).toEqual([]);
    expect(h.ended).toEqual([]);
    pipe.write(msg(9)); // waits for the next connection
    const second = await connection(h, 2);
    expect(h.ofType("connect")).toHaveLength(2);
    second.state = "ready";
    session.engineReady(second);
    expect(second.sent).toEqual([msg(9)]);
    expect(h.attached).toEqual([pipe]);
    expect(first.sent).toEqual([]);
  });

  it("the backoff grows over failed handshakes and starts again after a completed one", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const peer = await inprocPeer();
    const h = fakeHost({ reconnectInterval: 5, reconnectMaxInterval: 1000 });
    const session = connectSession(h, peer.endpoint);
    const retries = () => h.ofType("connect:retry").map((e) => e.interval);
    session.engineClosed(await connection(h, 1), new ZmqError("ECONNRESET", "gone"));
    session.engineClosed(await connection(h, 2), new ZmqError("ECONNRESET", "gone"));
    expect(retries()).toEqual([5, 10]);
    const third = await connection(h, 3);
    third.state = "ready";
    session.engineReady(third);
    session.engineClosed(third, new ZmqError("ECONNRESET", "gone"));
    expect(retries()).toEqual([5, 10, 5]);
  });

  it("a tcp connection refused: connect:delay, close, connect:retry; the pipe stays", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const endpoint = `tcp://127.0.0.1:${port}`;
    const h = fakeHost({ reconnectInterval: 10_000 });
    const session = connectSession(h, endpoint);
    expect(h.types()).toEqual(["connect:delay"]);
    await until(() => h.types().includes("connect:retry"), { timeout: 5000, what: "connect:retry" });
    expect(h.types()).toEqual(["connect:delay", "close", "connect:retry"]);
    expect(h.emitted[1]).toEqual({ type: "close", address: endpoint });
    expect(session.pipe).toBeDefined();
    expect(h.connections).toEqual([]);
    expect(h.ended).toEqual([]);
  });

  it.each([
    ["EPROTO during the handshake", false, new ZmqError("EPROTO", "bad greeting")],
    ["EPROTO after the handshake", true, new ZmqError("EPROTO", "bad frame")],
    ["an AuthError", false, new AuthError(400, "denied")],
  ])(
    "a protocol failure (%s) ends the connect for good: no retry, the pipe detached, the session ended",
    async (_name, ready, error) => {
      const peer = await inprocPeer();
      const h = fakeHost({ reconnectInterval: 10 });
      const session = connectSession(h, peer.endpoint);
      const pipe = session.pipe!;
      const engine = await connection(h, 1);
      if (ready) {
        engine.state = "ready";
        session.engineReady(engine);
      }
      session.engineClosed(engine, error);
      expect(h.types()).not.toContain("connect:retry");
      expect(h.ofType("disconnect")).toHaveLength(1);
      expect(h.types().some((t) => t.startsWith("handshake:error:"))).toBe(!ready);
      expect(h.detached).toEqual([pipe]);
      expect(session.pipe).toBeUndefined();
      expect(h.ended).toEqual([session]);
      await settle(100); // absence: ten reconnect intervals, and no new attempt
      expect(h.connections).toHaveLength(1);
      expect(peer.carriers).toHaveLength(1);
    },
  );

  it("stop() of a connected session: the engine closed, and its close then reported makes a disconnect event but no reconnection", async () => {
    const peer = await inprocPeer();
    const h = fakeHost({ reconnectInterval: 10 });
    const session = connectSession(h, peer.endpoint);
    const pipe = session.pipe!;
    const engine = await connection(h, 1);
    engine.state = "ready";
    session.engineReady(engine);
    session.stop();
    expect(engine.calls).toEqual(["start", "close"]);
    expect(h.detached).toEqual([pipe]);
    expect(h.ended).toEqual([session]);
    // What a real engine does after close(): report it.
    engine.state = "closed";
    session.engineClosed(engine, undefined);
    expect(h.ofType("disconnect")).toEqual([{ type: "disconnect", address: peer.endpoint }]);
    expect(h.types()).not.toContain("connect:retry");
    expect(pipe.attached).toBe(false);
    // The socket was told once of the pipe and the session; the close reported after adds nothing.
    expect(h.detached).toEqual([pipe]);
    expect(h.ended).toEqual([session]);
    await settle(100); // absence: ten reconnect intervals, and no new attempt
    expect(h.connections).toHaveLength(1);
  });

  it("stop() before the peer binds: the attempt is given up, and a later bind sees no connection", async () => {
    const peer = await inprocPeer(false);
    const h = fakeHost();
    const session = connectSession(h, peer.endpoint);
    const pipe = session.pipe!;
    session.stop();
    expect(h.detached).toEqual([pipe]);
    expect(h.ended).toEqual([session]);
    await peer.listen();
    await settle(50); // absence: no connection to the name bound after the stop
    expect(peer.carriers).toEqual([]);
    expect(h.connections).toEqual([]);
  });

  it("close() with nothing queued while connecting: no connection is made afterwards", async () => {
    const peer = await inprocPeer(false);
    const h = fakeHost({ linger: 1000 });
    const session = connectSession(h, peer.endpoint);
    h.settings.closed = true;
    session.close();
    await peer.listen();
    await settle(50); // absence: the attempt was given up
    expect(peer.carriers).toEqual([]);
    expect(h.connections).toEqual([]);
  });

  it("close() with messages queued while connecting (linger > 0): the attempt under way finishes and they are written", async () => {
    const peer = await inprocPeer(false);
    const h = fakeHost({ linger: 5000 });
    const session = connectSession(h, peer.endpoint);
    session.pipe!.write(msg(1));
    h.settings.closed = true;
    session.close();
    expect(h.ended).toEqual([]);
    await peer.listen();
    const engine = await connection(h, 1);
    engine.state = "ready";
    session.engineReady(engine);
    expect(engine.sent).toEqual([msg(1)]);
    session.engineWritable();
    expect(engine.calls).toEqual(["start", "closeGracefully"]);
    session.engineClosed(engine, undefined);
    expect(h.types()).not.toContain("connect:retry");
    expect(h.ended).toEqual([session]);
  });
});

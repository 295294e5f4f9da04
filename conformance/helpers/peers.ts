import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as native from "zeromq";
import * as ours from "../../src/zmq/index.js";
import { patternBytes } from "./pattern.js";
import { PYTHON } from "./python.js";
import { settle } from "./wait.js";

/** A frame to send: text, or {pattern: n} for n octets of i % 251. */
export type FrameSpec = string | { pattern: number };
/** What a received frame looks like after normalising: text, or "len:sha256" over 4 KiB. */
export type Received = string;

export interface PeerOptions {
  routingId?: string;
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  reconnectInterval?: number;
  plainServer?: boolean;
  plainUsername?: string;
  plainPassword?: string;
  curveServer?: boolean;
  curveSecretKey?: string;
  curvePublicKey?: string;
  curveServerKey?: string;
  /** Runs the implementation's ZAP handler in the peer's process, admitting these PLAIN users. */
  zapPlain?: Record<string, string>;
}

/** One socket of some implementation, driven the same way whatever it is. */
export interface PeerSocket {
  bind(endpoint: string): Promise<string>;
  connect(endpoint: string): Promise<void>;
  send(frames: FrameSpec[]): Promise<void>;
  receive(timeoutMs?: number): Promise<Received[]>;
  subscribe(topic: string): Promise<void>;
  /** Sends the messages in turn, repeatedly, until stop() is awaited. */
  sendRepeatedly(messages: FrameSpec[][]): { stop(): Promise<void> };
  close(): Promise<void>;
}

export interface PeerKind {
  name: string;
  create(type: string, options?: PeerOptions): Promise<PeerSocket>;
}

export { patternBytes };

export function toBytes(f: FrameSpec): Buffer {
  return typeof f === "string" ? Buffer.from(f, "latin1") : patternBytes(f.pattern);
}

export function normalise(frame: Uint8Array): Received {
  const b = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (b.length > 4096) return `${b.length}:${createHash("sha256").update(b).digest("hex")}`;
  return b.toString("latin1");
}

/** What a FrameSpec looks like once received and normalised. */
export function expected(frames: FrameSpec[]): Received[] {
  return frames.map((f) => normalise(toBytes(f)));
}

/** Sends the messages in turn, every 10 ms, until stop() (PUB/SUB joins are asynchronous). */
export function repeatSends(
  messages: FrameSpec[][],
  send: (frames: FrameSpec[]) => Promise<unknown>,
): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      await send(messages[i % messages.length]!);
      await settle(10); // pacing: a send every 10 ms
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

// ---- sockets of the native-API shape: ours and the `zeromq` package ----

type ApiSocket = {
  bind(e: string): Promise<void>;
  connect(e: string): void;
  send(m: Uint8Array[]): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  close(): void;
  lastEndpoint: string | null;
  receiveTimeout: number;
  subscribe?: (t: string) => void;
};

function apiPeer(make: () => ApiSocket): PeerSocket {
  const s = make();
  return {
    async bind(e) {
      await s.bind(e);
      return s.lastEndpoint!;
    },
    async connect(e) {
      // libzmq's zmq_connect can fail with EINTR when a signal reaches its thread (the native
      // package passes it on); a program would try again, and so does the harness (5 times).
      for (let attempt = 1; ; attempt++) {
        try {
          s.connect(e);
          return;
        } catch (error) {
          const { code, message } = error as { code?: string; message?: string };
          const interrupted = code === "EINTR" || /Interrupted system call/.test(String(message));
          if (!interrupted || attempt === 5) throw error;
        }
      }
    },
    async send(frames) {
      await s.send(frames.map(toBytes));
    },
    async receive(timeoutMs = 5000) {
      s.receiveTimeout = timeoutMs;
      return (await s.receive()).map(normalise);
    },
    async subscribe(topic) {
      if (s.subscribe) s.subscribe(topic);
      else await s.send([Buffer.concat([Buffer.from([1]), Buffer.from(topic, "latin1")])]);
    },
    sendRepeatedly(messages) {
      return repeatSends(messages, (frames) => s.send(frames.map(toBytes)));
    },
    async close() {
      s.close();
    },
  };
}

const CLASS_NAMES: Record<string, string> = {
  REQ: "Request",
  REP: "Reply",
  DEALER: "Dealer",
  ROUTER: "Router",
  PUB: "Publisher",
  SUB: "Subscriber",
  XPUB: "XPublisher",
  XSUB: "XSubscriber",
  PUSH: "Push",
  PULL: "Pull",
  PAIR: "Pair",
};

function apiKind(name: string, lib: Record<string, unknown>): PeerKind {
  const zapUsers = new Map<string, string>();
  let zapHandler: Promise<void> | undefined;
  return {
    name,
    async create(type, options = {}) {
      const { zapPlain, ...socketOptions } = options;
      if (zapPlain) {
        for (const [user, password] of Object.entries(zapPlain)) zapUsers.set(user, password);
        zapHandler ??= startZapHandler(lib, zapUsers);
        await zapHandler;
      }
      const Class = lib[CLASS_NAMES[type]!] as new (o?: object) => ApiSocket;
      return apiPeer(() => new Class({ linger: 0, ...socketOptions }));
    },
  };
}

/**
 * An RFC 27 handler at inproc://zeromq.zap.01, in the library's own process-wide inproc space,
 * admitting the PLAIN users given. It serves for the rest of the run.
 */
async function startZapHandler(lib: Record<string, unknown>, users: Map<string, string>): Promise<void> {
  const Reply = lib.Reply as new (o?: object) => ApiSocket & AsyncIterable<Buffer[]>;
  const handler = new Reply({ linger: 0 });
  await handler.bind("inproc://zeromq.zap.01");
  void (async () => {
    for await (const frames of handler) {
      const [version, id, , , , mechanism, username, password] = frames.map((f) => f.toString("utf8"));
      const admitted = mechanism === "PLAIN" && users.has(username!) && users.get(username!) === password;
      const reply = admitted
        ? [version!, id!, "200", "OK", username!, ""]
        : [version!, id!, "400", "Invalid credentials", "", ""];
      await handler.send(reply.map((f) => Buffer.from(f, "utf8")));
    }
  })();
}

export const oursKind = apiKind("plantrpc", ours as unknown as Record<string, unknown>);
export const nativeKind = apiKind("zeromq (native libzmq)", native as unknown as Record<string, unknown>);

// ---- libzmq through pyzmq, one Python process per socket ----

const AGENT = fileURLToPath(new URL("../peers/zmq_agent.py", import.meta.url));

class PyAgent {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: Array<(line: string) => void> = [];
  private stderr = "";
  private exited = false;

  constructor() {
    this.child = spawn(PYTHON, [AGENT], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.once("exit", () => (this.exited = true));
    createInterface({ input: this.child.stdout }).on("line", (line) => this.replies.shift()?.(line));
    this.child.stderr.on("data", (d) => (this.stderr += d));
  }

  /** Writes a command now; the returned promise is its reply. */
  call(command: object): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error(`pyzmq agent has exited: ${this.stderr}`));
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.replies.push((line) => {
        const r = JSON.parse(line) as Record<string, unknown>;
        if (r.error) reject(new Error(`pyzmq agent: ${r.error}`));
        else resolve(r);
      });
      this.child.once("exit", () => reject(new Error(`pyzmq agent exited: ${this.stderr}`)));
    });
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    return reply;
  }

  kill(): void {
    this.child.kill();
  }
}

const hex = (f: FrameSpec) => (typeof f === "string" ? Buffer.from(f, "latin1").toString("hex") : f);

function fromPy(frames: Array<string | { len: number; sha256: string }>): Received[] {
  return frames.map((f) => (typeof f === "string" ? Buffer.from(f, "hex").toString("latin1") : `${f.len}:${f.sha256}`));
}

export const pyzmqKind: PeerKind = {
  name: "pyzmq (Debian libzmq)",
  async create(type, options = {}) {
    const agent = new PyAgent();
    const opts: Record<string, unknown> = {};
    if (options.routingId) opts.routing_id = options.routingId;
    if (options.heartbeatInterval) opts.heartbeat_ivl = options.heartbeatInterval;
    if (options.heartbeatTimeout) opts.heartbeat_timeout = options.heartbeatTimeout;
    if (options.reconnectInterval) opts.reconnect_ivl = options.reconnectInterval;
    if (options.plainServer) opts.plain_server = 1;
    if (options.plainUsername !== undefined) opts.plain_username = options.plainUsername;
    if (options.plainPassword !== undefined) opts.plain_password = options.plainPassword;
    if (options.curveServer) opts.curve_server = 1;
    if (options.curveSecretKey) opts.curve_secretkey = options.curveSecretKey;
    if (options.curvePublicKey) opts.curve_publickey = options.curvePublicKey;
    if (options.curveServerKey) opts.curve_serverkey = options.curveServerKey;
    if (options.zapPlain) await agent.call({ op: "zap_plain", passwords: options.zapPlain });
    await agent.call({ op: "socket", type, options: opts });
    return {
      async bind(endpoint) {
        return (await agent.call({ op: "bind", endpoint })).endpoint as string;
      },
      async connect(endpoint) {
        await agent.call({ op: "connect", endpoint });
      },
      async send(frames) {
        await agent.call({ op: "send", frames: frames.map(hex) });
      },
      async receive(timeoutMs = 5000) {
        const r = await agent.call({ op: "recv", timeout_ms: timeoutMs });
        if (r.timeout) throw new Error("pyzmq peer: receive timed out");
        return fromPy(r.frames as Array<string>);
      },
      async subscribe(topic) {
        if (type === "SUB") await agent.call({ op: "subscribe", topic: Buffer.from(topic, "latin1").toString("hex") });
        else await agent.call({ op: "send", frames: [Buffer.from(`\x01${topic}`, "latin1").toString("hex")] });
      },
      sendRepeatedly(messages) {
        return repeatSends(messages, (frames) => agent.call({ op: "send", frames: frames.map(hex) }));
      },
      async close() {
        try {
          await agent.call({ op: "close" });
        } finally {
          agent.kill();
        }
      },
    };
  },
};

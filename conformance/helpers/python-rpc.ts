import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PYTHON } from "./python.js";

const PEERS = fileURLToPath(new URL("../peers/", import.meta.url));

/** "reference" when PLANTIMAGER_COMMONS_PATH is set (the real package), else "minirpc". */
export const pythonRpcImpl = process.env.PLANTIMAGER_COMMONS_PATH ? "reference" : "minirpc";

/** Reads a child's stdout line by line, in order. */
export class Lines {
  private queue: string[] = [];
  private waiters: Array<(line: string | undefined) => void> = [];
  private ended = false;

  constructor(child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const w = this.waiters.shift();
      if (w) w(line);
      else this.queue.push(line);
    });
    child.on("exit", () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    });
  }

  next(timeoutMs = 10000): Promise<string> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(new Error("python peer exited"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("python peer did not answer")), timeoutMs);
      this.waiters.push((line) => {
        clearTimeout(timer);
        if (line === undefined) reject(new Error("python peer exited"));
        else resolve(line);
      });
    });
  }
}

function spawnPeer(script: string, args: string[]) {
  const child = spawn(PYTHON, [PEERS + script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, lines: new Lines(child), exited, stderr: () => stderr };
}

export interface PythonDevice {
  port: number;
  url: string;
  impl: string;
  exited: Promise<number | null>;
  kill(): void;
}

/** Starts the Python test device (conformance/peers/rpc_device.py); `extra`: --register ... */
export async function startPythonDevice(url = "tcp://127.0.0.1", extra: string[] = []): Promise<PythonDevice> {
  const peer = spawnPeer("rpc_device.py", [url, ...extra]);
  let ready: string;
  try {
    ready = await peer.lines.next();
  } catch {
    throw new Error(`python device did not start: ${peer.stderr()}`);
  }
  const [, port, impl] = ready.split(" ");
  return {
    port: Number(port),
    url: `tcp://127.0.0.1:${port}`,
    impl: impl!,
    exited: peer.exited,
    kill: () => peer.child.kill("SIGKILL"),
  };
}

export interface RegistryEventLine {
  event: "added" | "removed";
  type: string;
  addr: string;
  name: string;
}

export interface PythonRegistry {
  url: string;
  impl: string;
  /** Resolves with the next added/removed event matching `test`. */
  next(test: (e: RegistryEventLine) => boolean): Promise<RegistryEventLine>;
  kill(): void;
  exited: Promise<number | null>;
}

/** Starts conformance/peers/registry_peer.py on `port` (one the OS just handed out). */
export async function startPythonRegistry(port: number): Promise<PythonRegistry> {
  const peer = spawnPeer("registry_peer.py", [String(port)]);
  const ready = await peer.lines.next().catch(() => {
    throw new Error(`python registry did not start: ${peer.stderr()}`);
  });
  const [, , impl] = ready.split(" ");
  return {
    url: `tcp://127.0.0.1:${port}`,
    impl: impl!,
    async next(test) {
      for (;;) {
        const e = JSON.parse(await peer.lines.next(15000)) as RegistryEventLine;
        if (test(e)) return e;
      }
    },
    kill: () => peer.child.kill("SIGKILL"),
    exited: peer.exited,
  };
}

export interface CallerResult {
  ok: boolean;
  result?: any;
  error?: string;
  traceback?: string;
}

/** A scripted Python client (conformance/peers/rpc_caller.py). */
export class PythonCaller {
  private constructor(private readonly peer: ReturnType<typeof spawnPeer>) {}

  /** `url`, or ["--via-registry", registryUrl, name] to find the device through a registry. */
  static async connect(url: string | string[]): Promise<PythonCaller> {
    const peer = spawnPeer("rpc_caller.py", Array.isArray(url) ? url : [url]);
    const caller = new PythonCaller(peer);
    const hello = JSON.parse(await peer.lines.next()) as CallerResult;
    if (!hello.ok) throw new Error(`python client could not connect: ${hello.error} ${peer.stderr()}`);
    return caller;
  }

  async op(operation: object, timeoutMs = 20000): Promise<CallerResult> {
    this.peer.child.stdin.write(`${JSON.stringify(operation)}\n`);
    return JSON.parse(await this.peer.lines.next(timeoutMs)) as CallerResult;
  }

  call(method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) {
    return this.op({ op: "call", method, args, kwargs });
  }

  close(): void {
    this.peer.child.stdin.end();
    this.peer.child.kill();
  }
}

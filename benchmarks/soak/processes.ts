// The soak run's processes: the registry and the devices, each its own process so that its
// memory is its own, started again on the same port after a "kill" fault.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

export interface PeerFigures {
  rss: number;
  heap?: number;
  executed?: number;
  duplicates?: number;
  emitted?: number;
}

/** A child process that prints "READY <port>" and then, if it is ours, a JSON line per second. */
export class Peer {
  port = 0;
  /** The latest figures (memory, counters) of the current incarnation. */
  latest: PeerFigures = { rss: 0 };
  /** Counters summed over earlier incarnations, which a restart sets back to zero. */
  private readonly earlier = { executed: 0, duplicates: 0, emitted: 0 };
  restarts = 0;
  private child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly language: "ts" | "python",
    private readonly command: (port: number) => [string, string[]],
  ) {}

  /** Starts the process (on its first port again after a restart) and waits for READY. */
  async start(timeoutMs = 15000): Promise<void> {
    const [cmd, args] = this.command(this.port);
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    this.child = child;
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start`)), timeoutMs);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited before it was ready (${code ?? signal})`));
      });
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const m = /^READY (\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        } else if (line.startsWith("{")) this.latest = JSON.parse(line) as PeerFigures;
      });
    });
    this.port = await ready;
  }

  /** SIGKILL, as a power cut would; the counters of this incarnation are kept. */
  kill(): void {
    this.earlier.executed += this.latest.executed ?? 0;
    this.earlier.duplicates += this.latest.duplicates ?? 0;
    this.earlier.emitted += this.latest.emitted ?? 0;
    this.latest = { rss: 0 };
    this.child?.kill("SIGKILL");
    this.child = undefined;
    this.restarts++;
  }

  stop(): void {
    this.child?.kill("SIGTERM");
    this.child = undefined;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  /** Resident memory now: from /proc where there is one (any language), else the peer's report. */
  rss(): number {
    const pid = this.child?.pid;
    if (pid === undefined) return 0;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) return Number(m[1]) * 1024;
    } catch {
      // not Linux, or the process just went
    }
    return this.latest.rss;
  }

  totals(): { executed: number; duplicates: number; emitted: number } {
    return {
      executed: this.earlier.executed + (this.latest.executed ?? 0),
      duplicates: this.earlier.duplicates + (this.latest.duplicates ?? 0),
      emitted: this.earlier.emitted + (this.latest.emitted ?? 0),
    };
  }
}

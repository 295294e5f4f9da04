import * as net from "node:net";
import { settle } from "../../conformance/helpers/wait.js";

type Fault =
  | { kind: "pass" }
  | { kind: "delay"; ms: number }
  | { kind: "throttle"; bytesPerSecond: number }
  | { kind: "stall" }
  | { kind: "blackhole" }
  | { kind: "split"; size: number };

/**
 * A TCP proxy for fault-injection tests, on loopback: it sits between a client and `target` and,
 * on command, delays each chunk, throttles, stalls (holds data, connection open), blackholes
 * (drops data, connection open: the half-open case only heartbeats detect), splits writes into
 * tiny chunks, cuts connections (FIN) or resets them (RST). heal() goes back to passing through
 * (data held by a stall is then released, in order).
 */
export class FaultProxy {
  private fault: Fault = { kind: "pass" };
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private readonly held: Array<() => void> = [];
  /** Octets written towards the target so far, every connection counted. */
  private toTarget = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<FaultProxy> {
    let proxy!: FaultProxy;
    const server = net.createServer((client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    proxy = new FaultProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get endpoint(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Connections currently relayed. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Octets relayed towards the target so far (what a test waits on to know a send is under way). */
  get bytesToTarget(): number {
    return this.toTarget;
  }

  delay(ms: number): void {
    this.fault = { kind: "delay", ms };
  }
  throttle(bytesPerSecond: number): void {
    this.fault = { kind: "throttle", bytesPerSecond };
  }
  /** Holds data and stops reading, so that the sender's side backs up as behind a slow reader. */
  stall(): void {
    this.fault = { kind: "stall" };
    for (const [a, b] of this.pairs) {
      a.pause();
      b.pause();
    }
  }
  blackhole(): void {
    this.fault = { kind: "blackhole" };
  }
  split(size: number): void {
    this.fault = { kind: "split", size };
  }
  heal(): void {
    this.fault = { kind: "pass" };
    for (const release of this.held.splice(0)) release();
    for (const [a, b] of this.pairs) {
      a.resume();
      b.resume();
    }
  }

  /** Closes every relayed connection cleanly (FIN), as a peer that exits would. */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.end();
      b.end();
    }
  }

  /** Resets every relayed connection (RST), as a crash or a dropped NAT entry would. */
  reset(): void {
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(client: net.Socket, host: string, port: number): void {
    const upstream = net.connect({ host, port });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.setNoDelay(true);
      s.on("error", drop);
      s.on("close", drop);
    }
    this.relay(client, upstream, (n) => (this.toTarget += n));
    this.relay(upstream, client, () => {});
  }

  /** Forwards from `from` to `to`, through whatever fault is set when each chunk arrives. */
  private relay(from: net.Socket, to: net.Socket, count: (octets: number) => void): void {
    let queue = Promise.resolve();
    const write = (piece: Buffer) => {
      to.write(piece);
      count(piece.length);
    };
    from.on("data", (chunk: Buffer) => {
      const fault = this.fault;
      queue = queue.then(() => this.forward(chunk, to, write, fault));
    });
    from.on("end", () => void queue.then(() => to.end()));
  }

  // The fault's own pacing (delay, throttle) waits through settle().
  private async forward(chunk: Buffer, to: net.Socket, write: (piece: Buffer) => void, fault: Fault): Promise<void> {
    if (to.destroyed) return;
    switch (fault.kind) {
      case "pass":
        write(chunk);
        return;
      case "blackhole":
        return;
      case "delay":
        await settle(fault.ms);
        write(chunk);
        return;
      case "throttle":
        for (let i = 0; i < chunk.length; i += 1024) {
          write(chunk.subarray(i, i + 1024));
          await settle((Math.min(1024, chunk.length - i) / fault.bytesPerSecond) * 1000);
        }
        return;
      case "split":
        for (let i = 0; i < chunk.length; i += fault.size) {
          write(chunk.subarray(i, i + fault.size));
          if (i % (fault.size * 64) === 0) await settle(0);
        }
        return;
      case "stall":
        await new Promise<void>((resolve) => this.held.push(resolve));
        if (!to.destroyed) write(chunk);
        return;
    }
  }
}

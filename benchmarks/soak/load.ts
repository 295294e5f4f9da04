// The soak run's clients: lanes of calls to each device (JSON echo, buffer transfers, signals
// asked for), every outcome checked and recorded with the time it took.
import { ConnectionLostError, type CurveClientKeys, RPCClient, RpcTimeoutError } from "../../src/index.js";

export type Outcome = "answered" | "timedOut" | "lost" | "failed" | "wrong";

export interface CallRecord {
  device: number;
  start: number;
  end: number;
  outcome: Outcome;
  /** The error's class, for failures. */
  error?: string;
}

export interface LoadOptions {
  lanesPerDevice: number;
  callTimeoutMs: number;
  /** Called for every settled call, as it settles. */
  record(call: CallRecord): void;
  /** ms since the start of the run. */
  now(): number;
  /** The devices' key and the client's pair (--curve). */
  curve?: CurveClientKeys;
}

/** One device's client and its counters, shared by that device's lanes. */
export class DeviceLoad {
  client: RPCClient | undefined;
  handshakes = 0;
  signalsReceived = 0;
  /** emit_tick calls answered: the signals a device that keeps no count was asked for. */
  ticksAsked = 0;
  /** Calls issued and not yet settled. */
  pending = 0;
  private running = true;
  private lanes: Promise<void>[] = [];

  constructor(
    readonly index: number,
    readonly url: string,
    private readonly options: LoadOptions,
  ) {}

  async start(): Promise<void> {
    const curve = this.options.curve;
    const client = await RPCClient.connect(this.url, { timeout: 5000, ...(curve ? { curve } : {}) });
    this.client = client;
    client.events.on("handshake", () => this.handshakes++);
    this.handshakes = 1;
    client.signal("tick").connect(() => this.signalsReceived++);
    this.lanes = Array.from({ length: this.options.lanesPerDevice }, (_, lane) => this.lane(`d${this.index}l${lane}`));
  }

  /** Stops issuing calls; resolves when every lane's last call has settled. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
    this.client?.close();
  }

  private async lane(lane: string): Promise<void> {
    for (let seq = 0; this.running; seq++) {
      const start = this.options.now();
      const roll = seq % 20;
      let outcome: Outcome;
      let error: string | undefined;
      this.pending++;
      try {
        if (roll === 7)
          outcome = await this.blob(1024 << (seq % 11)); // 1 KiB .. 1 MiB
        else if (roll === 13) outcome = await this.emitTick(seq);
        else outcome = await this.echo(lane, seq);
      } catch (e) {
        outcome = e instanceof RpcTimeoutError ? "timedOut" : e instanceof ConnectionLostError ? "lost" : "failed";
        error = (e as Error).constructor.name;
        // After a failure, a breath: a lane must not spin while its device is down.
        if (outcome !== "timedOut") await new Promise((r) => setTimeout(r, 50));
      }
      this.pending--;
      this.options.record({ device: this.index, start, end: this.options.now(), outcome, error });
    }
  }

  private async echo(lane: string, seq: number): Promise<Outcome> {
    const sent = { lane, seq };
    const got = (await this.client!.call("echo", [sent], {}, { timeout: this.options.callTimeoutMs })) as typeof sent;
    return got?.lane === lane && got.seq === seq ? "answered" : "wrong";
  }

  private async blob(size: number): Promise<Outcome> {
    const got = (await this.client!.call("blob", [size], {}, { timeout: this.options.callTimeoutMs })) as {
      buffer: Buffer;
      info: { size: number };
    };
    if (got.buffer.length !== size || got.info?.size !== size) return "wrong";
    for (let i = 0; i < size; i += 4093) if (got.buffer[i] !== i % 251) return "wrong";
    return "answered";
  }

  private async emitTick(seq: number): Promise<Outcome> {
    await this.client!.call("emit_tick", [seq], {}, { timeout: this.options.callTimeoutMs });
    this.ticksAsked++;
    return "answered";
  }
}

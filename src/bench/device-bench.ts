import { type BufferResult, RPCClient, type RPCClientOptions } from "../rpc/index.js";

export interface BenchOptions {
  /** A JSON method to call, with these arguments. */
  method?: string;
  args?: unknown[];
  /** A buffer method to call (with `args`): its bytes are counted. */
  bufferMethod?: string;
  /** A signal to count as it arrives. */
  signal?: string;
  /** Calls kept in flight at once. Default 1 (sequential). */
  inFlight?: number;
  /** Seconds to run. Default 10. */
  duration?: number;
  /** Called about ten times a second with the fraction done and the calls so far. */
  onProgress?(done: number, calls: number): void;
  client?: RPCClientOptions;
}

export interface BenchReport {
  url: string;
  seconds: number;
  inFlight: number;
  calls: number;
  failures: number;
  callsPerSecond: number;
  /** Milliseconds per call. */
  latency: { p50: number; p90: number; p99: number; max: number } | undefined;
  bufferBytes: number;
  bufferMBps: number | undefined;
  signals: number;
  signalsPerSecond: number | undefined;
  /** Things the figures should be read with (a device that serves one request at a time...). */
  notes: string[];
}

/** Measures a running device: calls per second, latency percentiles, buffer throughput, signals. */
export async function benchDevice(url: string, options: BenchOptions): Promise<BenchReport> {
  const target = options.bufferMethod ?? options.method;
  if (!target && !options.signal) throw new Error("nothing to measure: give a method, a buffer method or a signal");
  const client = await RPCClient.connect(url, { signals: Boolean(options.signal), ...options.client });
  try {
    return await run(client, url, target, options);
  } finally {
    client.close();
  }
}

async function run(
  client: RPCClient,
  url: string,
  target: string | undefined,
  options: BenchOptions,
): Promise<BenchReport> {
  const inFlight = Math.max(1, options.inFlight ?? 1);
  const duration = (options.duration ?? 10) * 1000;
  const notes: string[] = [];
  if (inFlight > 1 && client.inventory.plantrpc === undefined) {
    notes.push(
      "this device answers one request at a time (a REP socket, as the Python reference): " +
        `--in-flight ${inFlight} queues the calls, it does not add throughput`,
    );
  }
  let signals = 0;
  if (options.signal) client.signal(options.signal).connect(() => signals++);
  const latencies: number[] = [];
  let failures = 0;
  let bufferBytes = 0;
  const started = performance.now();
  const deadline = started + duration;
  const progress = setInterval(() => {
    options.onProgress?.(Math.min(1, (performance.now() - started) / duration), latencies.length);
  }, 100);
  const worker = async () => {
    while (target && performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const result = await client.call(target, options.args ?? []);
        if (options.bufferMethod) bufferBytes += (result as BufferResult).buffer.length;
        latencies.push(performance.now() - t0);
      } catch {
        failures++;
      }
    }
  };
  try {
    if (target) await Promise.all(Array.from({ length: inFlight }, worker));
    else await new Promise((r) => setTimeout(r, duration));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  options.onProgress?.(1, latencies.length);
  if (options.signal && signals === 0) notes.push(`no ${options.signal} signal arrived: is the device emitting it?`);
  return {
    url,
    seconds,
    inFlight,
    calls: latencies.length,
    failures,
    callsPerSecond: latencies.length / seconds,
    latency: percentiles(latencies),
    bufferBytes,
    bufferMBps: options.bufferMethod ? bufferBytes / seconds / 1e6 : undefined,
    signals,
    signalsPerSecond: options.signal ? signals / seconds : undefined,
    notes,
  };
}

function percentiles(values: number[]): BenchReport["latency"] {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

/** The report as a few readable lines. */
export function formatBench(r: BenchReport): string {
  const n = (x: number, digits = 0) => x.toLocaleString("en", { maximumFractionDigits: digits });
  const lines = [`${r.url}: ${n(r.seconds, 1)} s, ${r.inFlight} in flight`];
  if (r.calls || r.failures) {
    lines.push(`calls      ${n(r.calls)} (${n(r.callsPerSecond)}/s), ${n(r.failures)} failed`);
  }
  if (r.latency) {
    const { p50, p90, p99, max } = r.latency;
    lines.push(`latency    p50 ${n(p50, 3)} ms  p90 ${n(p90, 3)} ms  p99 ${n(p99, 3)} ms  max ${n(max, 3)} ms`);
  }
  if (r.bufferMBps !== undefined) lines.push(`buffers    ${n(r.bufferBytes)} bytes (${n(r.bufferMBps, 1)} MB/s)`);
  if (r.signalsPerSecond !== undefined) lines.push(`signals    ${n(r.signals)} (${n(r.signalsPerSecond)}/s)`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}

import { benchDevice, formatBench } from "../bench/index.js";
import { type Parsed, UsageError } from "./args.js";
import { type Output, security } from "./command.js";

function positive(p: Parsed, flag: string, fallback: number): number {
  const raw = p.flags.get(flag);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} takes a positive number`);
  return n;
}

/** `plantrpc bench <url>`: measures a device; a progress bar on a terminal. */
export async function runBench(url: string, p: Parsed, out: Output): Promise<void> {
  const flag = (name: string) => {
    const v = p.flags.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const method = flag("method");
  const bufferMethod = flag("buffer-method");
  const signal = flag("signal");
  if (!method && !bufferMethod && !signal) {
    throw new UsageError("give what to measure: --method NAME, --buffer-method NAME or --signal NAME");
  }
  let args: unknown[] = [];
  const rawArgs = flag("args");
  if (rawArgs !== undefined) {
    try {
      args = JSON.parse(rawArgs);
    } catch {
      throw new UsageError("--args takes a JSON array, e.g. '[1, 2]'");
    }
    if (!Array.isArray(args)) throw new UsageError("--args takes a JSON array, e.g. '[1, 2]'");
  }
  const bar = process.stderr.isTTY && !out.json;
  const report = await benchDevice(url, {
    method,
    bufferMethod,
    signal,
    args,
    inFlight: Math.round(positive(p, "in-flight", 1)),
    duration: positive(p, "duration", 10),
    client: { timeout: 2000, ...security(p) },
    onProgress: bar ? (done, calls) => drawBar(done, calls) : undefined,
  });
  if (bar) process.stderr.write("\r\x1b[K");
  out.result(report, () => formatBench(report));
}

function drawBar(done: number, calls: number): void {
  const width = 30;
  const filled = Math.round(done * width);
  process.stderr.write(
    `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round(done * 100)}%  ${calls} calls`,
  );
}

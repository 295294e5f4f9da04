// What the commands of `plantrpc` share: their shape, output and flag helpers.
import type { CurveClientKeys, CurveServerKeys } from "../rpc/index.js";
import { RPCClient } from "../rpc/index.js";
import type { Parsed } from "./args.js";
import { UsageError } from "./args.js";
import { allowKeysDirectory, readKeyPair, serverKeyOf } from "./certificate.js";
import { terminalSafe } from "./terminal.js";

/** A JSON argument; a word that is not JSON is taken as a string (`call url echo hello`). */
export function jsonArg(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface Command {
  usage: string;
  help: string;
  /** Flags it takes besides --json, --help and --timeout. */
  flags?: readonly string[];
  /** Resolves to an exit code, or to nothing for success. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a command that succeeds returns nothing
  run(p: Parsed, out: Output): Promise<number | void>;
}

export class Output {
  constructor(readonly json: boolean) {}
  /**
   * Human text, or the value as one JSON line with --json. Human text is made safe for a
   * terminal: what a device sent cannot drive it (JSON already escapes control characters).
   */
  result(value: unknown, human: () => string): void {
    console.log(this.json ? JSON.stringify(value) : terminalSafe(human()));
  }
}

export function timeoutOf(p: Parsed): number | undefined {
  const t = p.flags.get("timeout");
  if (t === undefined) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError("--timeout takes a number of milliseconds");
  return n;
}

export function need(p: Parsed, count: number, usage: string): string[] {
  if (p.positional.length < count) throw new UsageError(`usage: plantrpc ${usage}`);
  return p.positional;
}

/** The flags of a command that talks to a device or a registry as a client. */
export const CLIENT_SECURITY = ["server-key", "keys"] as const;

/**
 * --server-key: talk to a CURVE device (its public key, or its certificate file); --keys: this
 * client's own key pair (a `.key_secret` certificate), for devices that admit known keys only.
 */
export function security(p: Parsed): { curve?: CurveClientKeys } {
  const key = p.flags.get("server-key");
  const keys = p.flags.get("keys");
  if (key === undefined) {
    if (keys !== undefined) throw new UsageError("--keys needs --server-key: the device's public key");
    return {};
  }
  const own = typeof keys === "string" ? readKeyPair(keys) : {};
  return { curve: { serverKey: serverKeyOf(String(key)), ...own } };
}

/** --allow-keys: the directory of the client certificates admitted (CURVE). */
export function allowKeys(p: Parsed): string | undefined {
  const dir = p.flags.get("allow-keys");
  return typeof dir === "string" ? allowKeysDirectory(dir) : undefined;
}

/**
 * --keys on a command that serves: the server's key pair, turning CURVE on; with --allow-keys,
 * only the clients whose certificates are in that directory are admitted.
 */
export function serverKeys(p: Parsed): (CurveServerKeys & { publicKey: string }) | undefined {
  const keys = p.flags.get("keys");
  const allow = allowKeys(p);
  if (typeof keys !== "string") {
    if (allow !== undefined && !p.flags.has("secure"))
      throw new UsageError("--allow-keys goes with CURVE: give the server's keys (--keys file.key_secret)");
    return undefined;
  }
  return { ...readKeyPair(keys), ...(allow === undefined ? {} : { allowKeys: allow }) };
}

export async function withClient<T>(
  url: string,
  p: Parsed,
  fn: (c: RPCClient) => Promise<T>,
  signals = false,
): Promise<T> {
  const client = await RPCClient.connect(url, { timeout: timeoutOf(p) ?? 2000, signals, ...security(p) });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

export const pretty = (v: unknown) => JSON.stringify(v, null, 2);

export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}

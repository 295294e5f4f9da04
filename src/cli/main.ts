#!/usr/bin/env node
/**
 * The `plantrpc` command: run a registry, list devices, inspect and call devices, watch
 * signals, and run the demo. Exit codes: 0 ok, 1 remote error, 2 usage error, 3 timeout,
 * 4 any other failure (connection, registry without LIST, ...).
 */
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { listDevices } from "../registry/index.js";
import { RemoteError, RPCClient, RpcError, RpcTimeoutError } from "../rpc/index.js";
import { describeError } from "../zmq/index.js";
import { checkFlags, type Parsed, parse, UsageError } from "./args.js";
import {
  CLIENT_SECURITY,
  type Command,
  jsonArg,
  need,
  Output,
  pretty,
  security,
  timeoutOf,
  untilInterrupted,
  withClient,
} from "./command.js";
import { checkDevice, formatReport } from "../check/index.js";
import { runBench } from "./bench.js";
import { CALL_COMMAND } from "./call.js";
import { writeCertificates } from "./keygen.js";
import { SERVE_COMMANDS } from "./serve-commands.js";
import { inline, quoted } from "./terminal.js";

export const EXIT = { ok: 0, remote: 1, usage: 2, timeout: 3, failure: 4 } as const;

const COMMANDS: Record<string, Command> = {
  devices: {
    usage: "devices <registry-url>",
    flags: CLIENT_SECURITY,
    help: "List the devices a plantrpc registry knows (LIST; a Python registry cannot answer it).",
    async run(p, out) {
      const [url] = need(p, 1, this.usage);
      const devices = await listDevices(url!, { timeout: timeoutOf(p) ?? 5000, ...security(p) });
      out.result(devices, () => {
        const rows = Object.entries(devices);
        if (rows.length === 0) return "no devices registered";
        return rows
          .map(([name, d]) => `${inline(name).padEnd(20)} ${inline(d.type).padEnd(12)} ${inline(d.addr)}`)
          .join("\n");
      });
    },
  },
  inventory: {
    usage: "inventory <url>",
    flags: CLIENT_SECURITY,
    help: "Show a device's methods (with their timeouts), signals and properties.",
    async run(p, out) {
      const [url] = need(p, 1, this.usage);
      await withClient(url!, p, async (c) => {
        const inv = c.inventory;
        out.result(inv, () => {
          const methods = (t: Record<string, number | null>) =>
            Object.entries(t)
              .map(([n, ms]) => `  ${inline(n)}  (timeout ${ms === null ? "none" : `${inline(ms)} ms`})`)
              .join("\n") || "  (none)";
          const streams = inv.plantrpc?.streams ?? {};
          return [
            `device ${inv.name ? `"${inline(inv.name)}"` : "(unregistered)"} at ${url}${inv.plantrpc ? " [plantrpc]" : ""}`,
            `JSON methods:\n${methods(unstreamed(inv.json_methods, streams))}`,
            `buffer methods:\n${methods(inv.buffer_methods)}`,
            ...(Object.keys(streams).length > 0
              ? [`streams (plantrpc call prints their items):\n${methods(streams)}`]
              : []),
            `properties: ${inv.properties.map(inline).join(", ") || "(none)"}`,
            `signals: ${inv.signals.map(inline).join(", ") || "(none)"}`,
          ].join("\n");
        });
      });
    },
  },
  call: CALL_COMMAND,
  get: {
    usage: "get <url> <property>",
    flags: CLIENT_SECURITY,
    help: "Read a property.",
    async run(p, out) {
      const [url, name] = need(p, 2, this.usage);
      await withClient(url!, p, async (c) => {
        const value = await c.getProperty(name!);
        out.result({ value }, () => pretty(value));
      });
    },
  },
  set: {
    usage: "set <url> <property> <json-value>",
    flags: CLIENT_SECURITY,
    help: "Write a property.",
    async run(p, out) {
      const [url, name, value] = need(p, 3, this.usage);
      await withClient(url!, p, async (c) => {
        await c.setProperty(name!, jsonArg(value!));
        out.result({ ok: true }, () => `${name} set`);
      });
    },
  },
  watch: {
    usage: "watch <url> [signal ...]",
    flags: CLIENT_SECURITY,
    help: "Print signals as they arrive (all of them, or those named) until interrupted.",
    async run(p, out) {
      const [url, ...names] = need(p, 1, this.usage);
      const client = await RPCClient.connect(url!, { timeout: timeoutOf(p) ?? 2000, ...security(p) });
      const wanted = names.length ? names : client.inventory.signals;
      for (const n of wanted) {
        client
          .signal(n)
          .connect((...args: unknown[]) =>
            out.result(
              { signal: n, args, time: new Date().toISOString() },
              () =>
                `${new Date().toISOString()} ${inline(n)}(${args.map((a) => inline(JSON.stringify(a))).join(", ")})`,
            ),
          );
      }
      if (!out.json)
        console.error(`watching ${wanted.map(inline).join(", ") || "(no signals)"} on ${url}; Ctrl-C to stop`);
      await untilInterrupted();
      client.close();
    },
  },
  stop: {
    usage: "stop <url>",
    flags: CLIENT_SECURITY,
    help: "Ask a device to stop serving (STOP_SERVER).",
    async run(p, out) {
      const [url] = need(p, 1, this.usage);
      return withClient(url!, p, async (c) => {
        const ok = await c.stopServer();
        out.result({ stopped: ok }, () => (ok ? "stopped" : "no answer (already stopped?)"));
        return ok ? undefined : EXIT.timeout;
      });
    },
  },
  keygen: {
    usage: "keygen [--out base]",
    help: "Make a CURVE key pair: <base>.key (public, to hand out) and <base>.key_secret (to keep), as zcert and pyzmq's zmq.auth write them.",
    flags: ["out"],
    async run(p, out) {
      const base = String(p.flags.get("out") ?? "plantrpc");
      const { publicKey, files } = writeCertificates(base);
      out.result({ publicKey, files }, () => `public key: ${publicKey}\nwritten: ${files.join(", ")}`);
    },
  },
  check: {
    usage: "check <url> [--destructive] [--registry <url>] [--reference-compatible] [--server-key key [--keys file]]",
    flags: ["destructive", "registry", "reference-compatible", ...CLIENT_SECURITY],
    help: "Check that a device (Python, TypeScript or other) speaks the protocol; exit 0 only if every check passed.",
    async run(p, out) {
      const [url] = need(p, 1, this.usage);
      const registry = p.flags.get("registry");
      const report = await checkDevice(url!, {
        destructive: p.flags.has("destructive"),
        referenceCompatible: p.flags.has("reference-compatible"),
        registry: typeof registry === "string" ? registry : undefined,
        timeout: timeoutOf(p),
        ...security(p),
      });
      out.result(report, () => formatReport(report));
      return report.ok ? EXIT.ok : EXIT.remote;
    },
  },
  bench: {
    usage:
      "bench <url> [--method NAME --args JSON] [--buffer-method NAME] [--signal NAME] [--in-flight N] [--duration S]",
    flags: ["method", "args", "buffer-method", "signal", "in-flight", "duration", ...CLIENT_SECURITY],
    help: "Measure a device: calls/s, latency percentiles, buffer MB/s, signals/s.",
    async run(p, out) {
      const [url] = need(p, 1, this.usage);
      await runBench(url!, p, out);
    },
  },
  ...SERVE_COMMANDS,
};

function helpText(): string {
  const lines = Object.values(COMMANDS).map((c) => `  plantrpc ${c.usage}\n      ${c.help}`);
  return [
    "plantrpc: ZeroMQ RPC devices (plantimager-compatible) from the command line",
    "",
    ...lines,
    "",
    "Options: --json (one JSON line per result), --timeout <ms>, --help (also after a command), --version,",
    "--server-key <Z85 | certificate file> (talk to a CURVE device), --keys <file.key_secret> (own key",
    "pair: a client's, or a registry's to serve over CURVE). An unknown or misplaced flag is a usage error.",
    "Exit codes: 0 ok, 1 remote error, 2 usage error, 3 timeout, 4 other failure.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    console.error(`plantrpc: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const [name, ...positional] = parsed.positional;
  if (parsed.flags.has("version") && !name) {
    console.log(packageVersion());
    return EXIT.ok;
  }
  if (!name || name === "help") {
    console.log(helpText());
    return name || parsed.flags.has("help") ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`plantrpc: unknown command "${name}"\n\n${helpText()}`);
    return EXIT.usage;
  }
  if (parsed.flags.has("help")) {
    console.log(`usage: plantrpc ${command.usage}\n\n${command.help}`);
    return EXIT.ok;
  }
  try {
    checkFlags(parsed, name, command.flags ?? []);
  } catch (e) {
    console.error(`plantrpc: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const out = new Output(parsed.flags.has("json"));
  try {
    return (await command.run({ positional, flags: parsed.flags }, out)) ?? EXIT.ok;
  } catch (e) {
    return report(e, out);
  }
}

function report(e: unknown, out: Output): number {
  const message = describeError(e);
  const emit = (kind: string, code: number, extra: object = {}) => {
    if (out.json) console.log(JSON.stringify({ error: kind, message, ...extra }));
    // Lines after the first are the remote's (a device's error message): quoted, so as not to pass for ours.
    else console.error(quoted(message, "  | ", "plantrpc: "));
    return code;
  };
  if (e instanceof UsageError) return emit("usage", EXIT.usage);
  if (e instanceof RemoteError) {
    if (!out.json && e.traceback) console.error(`remote traceback:\n${quoted(e.traceback)}`);
    return emit("remote", EXIT.remote, { remote_error: e.remoteError, traceback: e.traceback });
  }
  if (e instanceof RpcTimeoutError) return emit("timeout", EXIT.timeout);
  if (e instanceof RpcError) return emit("failure", EXIT.failure);
  return emit("failure", EXIT.failure);
}

// Run when executed, not when imported (tests import main()).
const invoked = process.argv[1] ?? "";
if (/(?:^|[\\/])(?:main\.[jt]s|plantrpc)$/.test(invoked)) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}

/** This package's version, from its package.json (two folders up from dist/cli/ and src/cli/ alike). */
function packageVersion(): string {
  const here = dirname(realpathSync(process.argv[1] ?? "."));
  const manifest = readFileSync(join(here, "..", "..", "package.json"), "utf8");
  return (JSON.parse(manifest) as { version: string }).version;
}

/** A method table without the stream methods (listed there for reference clients, shown apart). */
function unstreamed(table: Record<string, number | null>, streams: Record<string, number | null>) {
  return Object.fromEntries(Object.entries(table).filter(([name]) => !Object.hasOwn(streams, name)));
}

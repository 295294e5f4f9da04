#!/usr/bin/env node
/**
 * The `plantrpc` command: run a registry, list devices, inspect and call devices, watch
 * signals, and run the demo. Exit codes: 0 ok, 1 remote error, 2 usage error, 3 timeout,
 * 4 any other failure (connection, registry without LIST, ...).
 */
import { writeFileSync } from "node:fs";
import { DeviceRegistry, listDevices } from "../registry/index.js";
import {
  type BufferResult,
  type CurveClientKeys,
  type CurveServerKeys,
  RemoteError,
  RPCClient,
  RpcError,
  RpcTimeoutError,
} from "../rpc/index.js";
import { describeError } from "../zmq/index.js";
import { checkFlags, type Parsed, parse, UsageError } from "./args.js";
import { readKeyPair, serverKeyOf } from "./certificate.js";
import { runDemo, serveDemo } from "./demo.js";
import { runGateway } from "./gateway.js";
import { runWeb } from "./web.js";
import { writeCertificates } from "./keygen.js";

export const EXIT = { ok: 0, remote: 1, usage: 2, timeout: 3, failure: 4 } as const;

/** A JSON argument; a word that is not JSON is taken as a string (`call url echo hello`). */
function jsonArg(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface Command {
  usage: string;
  help: string;
  /** Flags it takes besides --json, --help and --timeout. */
  flags?: readonly string[];
  /** Resolves to an exit code, or to nothing for success. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a command that succeeds returns nothing
  run(p: Parsed, out: Output): Promise<number | void>;
}

class Output {
  constructor(readonly json: boolean) {}
  /** Human text, or the value as one JSON line with --json. */
  result(value: unknown, human: () => string): void {
    console.log(this.json ? JSON.stringify(value) : human());
  }
}

function timeoutOf(p: Parsed): number | undefined {
  const t = p.flags.get("timeout");
  if (t === undefined) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError("--timeout takes a number of milliseconds");
  return n;
}

function need(p: Parsed, count: number, usage: string): string[] {
  if (p.positional.length < count) throw new UsageError(`usage: plantrpc ${usage}`);
  return p.positional;
}

/** The flags of a command that talks to a device or a registry as a client. */
const CLIENT_SECURITY = ["server-key", "keys"] as const;

/**
 * --server-key: talk to a CURVE device (its public key, or its certificate file); --keys: this
 * client's own key pair (a `.key_secret` certificate), for devices that admit known keys only.
 */
function security(p: Parsed): { curve?: CurveClientKeys } {
  const key = p.flags.get("server-key");
  const keys = p.flags.get("keys");
  if (key === undefined) {
    if (keys !== undefined) throw new UsageError("--keys needs --server-key: the device's public key");
    return {};
  }
  const own = typeof keys === "string" ? readKeyPair(keys) : {};
  return { curve: { serverKey: serverKeyOf(String(key)), ...own } };
}

/** --keys on a command that serves: the server's key pair, turning CURVE on. */
function serverKeys(p: Parsed): Required<CurveServerKeys> | undefined {
  const keys = p.flags.get("keys");
  return typeof keys === "string" ? readKeyPair(keys) : undefined;
}

async function withClient<T>(url: string, p: Parsed, fn: (c: RPCClient) => Promise<T>, signals = false): Promise<T> {
  const client = await RPCClient.connect(url, { timeout: timeoutOf(p) ?? 2000, signals, ...security(p) });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

const COMMANDS: Record<string, Command> = {
  registry: {
    usage: "registry [--addr *] [--port 5555] [--keys file.key_secret]",
    flags: ["addr", "port", "keys"],
    help: "Run a device registry until interrupted, printing devices as they come and go.",
    async run(p, out) {
      const port = p.flags.has("port") ? Number(p.flags.get("port")) : 5555;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port takes a port number");
      const curve = serverKeys(p);
      const registry = new DeviceRegistry({ addr: String(p.flags.get("addr") ?? "*"), port, curve });
      registry.on("added", (type, addr, name) =>
        out.result({ event: "added", type, addr, name }, () => `+ ${name} (${type}) at ${addr}`),
      );
      registry.on("removed", (type, addr, name) =>
        out.result({ event: "removed", type, addr, name }, () => `- ${name} (${type}) at ${addr}`),
      );
      await registry.start();
      out.result(
        { event: "listening", url: registry.url, port: registry.port, publicKey: curve?.publicKey },
        () =>
          `registry listening on port ${registry.port} (${registry.url})` +
          (curve ? `, CURVE, public key ${curve.publicKey}` : ""),
      );
      await untilInterrupted();
      await registry.stop();
    },
  },
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
        return rows.map(([name, d]) => `${name.padEnd(20)} ${d.type.padEnd(12)} ${d.addr}`).join("\n");
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
              .map(([n, ms]) => `  ${n}  (timeout ${ms === null ? "none" : `${ms} ms`})`)
              .join("\n") || "  (none)";
          return [
            `device ${inv.name ? `"${inv.name}"` : "(unregistered)"} at ${url}${inv.plantrpc ? " [plantrpc]" : ""}`,
            `JSON methods:\n${methods(inv.json_methods)}`,
            `buffer methods:\n${methods(inv.buffer_methods)}`,
            `properties: ${inv.properties.join(", ") || "(none)"}`,
            `signals: ${inv.signals.join(", ") || "(none)"}`,
          ].join("\n");
        });
      });
    },
  },
  call: {
    usage: "call <url> <method> [json-arg ...] [--kwargs '{...}'] [--out file] [--timeout ms]",
    flags: ["kwargs", "out", ...CLIENT_SECURITY],
    help: "Call a method. Each argument is JSON (a bare word is a string). A buffer result goes to --out.",
    async run(p, out) {
      const [url, method, ...rest] = need(p, 2, this.usage);
      const kwargsText = p.flags.get("kwargs");
      const kwargs = typeof kwargsText === "string" ? jsonArg(kwargsText) : {};
      if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs))
        throw new UsageError("--kwargs takes a JSON object");
      await withClient(url!, p, async (c) => {
        const isBuffer = method! in c.inventory.buffer_methods;
        const target = p.flags.get("out");
        if (isBuffer && typeof target !== "string") {
          throw new UsageError(`${method} returns binary data: give --out <file> to save it`);
        }
        const timeout = timeoutOf(p);
        const result = await c.call<BufferResult>(
          method!,
          rest.map(jsonArg),
          kwargs as Record<string, unknown>,
          timeout ? { timeout } : {},
        );
        if (isBuffer) {
          writeFileSync(target as string, result.buffer);
          out.result(
            { out: target, bytes: result.buffer.length, info: result.info },
            () => `${result.buffer.length} bytes written to ${target}\ninfo: ${pretty(result.info)}`,
          );
        } else {
          out.result({ result }, () => pretty(result));
        }
      });
    },
  },
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
              () => `${new Date().toISOString()} ${n}(${args.map((a) => JSON.stringify(a)).join(", ")})`,
            ),
          );
      }
      if (!out.json) console.error(`watching ${wanted.join(", ") || "(no signals)"} on ${url}; Ctrl-C to stop`);
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
  gateway: {
    usage: "gateway <registry-url> --listen ws://0.0.0.0:8090",
    flags: ["listen"],
    help: "Relay every device of a plantrpc registry to one WebSocket port, for browsers (ws://.../<name>).",
    async run(p, out) {
      const [registry] = need(p, 1, this.usage);
      const listen = p.flags.get("listen");
      if (typeof listen !== "string" || !/^wss?:\/\//.test(listen)) throw new UsageError("--listen takes a ws:// URL");
      await runGateway(registry!, listen, (v, h) => out.result(v, h), untilInterrupted);
    },
  },
  web: {
    usage: "web <registry-url> [--addr 127.0.0.1] [--port 8080]",
    flags: ["addr", "port"],
    help: "Serve a live dashboard of a registry's devices: inventories, calls, properties, signals, images.",
    async run(p, out) {
      const [registry] = need(p, 1, this.usage);
      const port = p.flags.has("port") ? Number(p.flags.get("port")) : 8080;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port takes a port number");
      const host = String(p.flags.get("addr") ?? "127.0.0.1");
      await runWeb(registry!, host, port, (v, h) => out.result(v, h), untilInterrupted);
    },
  },
  demo: {
    usage: "demo [--out dir]",
    flags: ["out"],
    help: "Run a registry, a virtual camera and a client in this process, walking through every feature.",
    async run(p) {
      await runDemo({ outDir: String(p.flags.get("out") ?? "demo-output") });
    },
  },
  "serve-demo": {
    usage:
      "serve-demo [--registry-port 5555] [--camera-url tcp://127.0.0.1:5556] [--name demo-camera] [--secure | --keys file.key_secret]",
    flags: ["registry-port", "camera-url", "name", "secure", "keys"],
    help: "Keep a registry and the virtual camera running, for plantrpc or Python clients.",
    async run(p) {
      await serveDemo({
        registryPort: Number(p.flags.get("registry-port") ?? 5555),
        cameraUrl: String(p.flags.get("camera-url") ?? "tcp://127.0.0.1:5556"),
        name: String(p.flags.get("name") ?? "demo-camera"),
        secure: p.flags.has("secure"),
        keys: serverKeys(p),
        untilInterrupted,
      });
    },
  },
};

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}

function helpText(): string {
  const lines = Object.values(COMMANDS).map((c) => `  plantrpc ${c.usage}\n      ${c.help}`);
  return [
    "plantrpc: ZeroMQ RPC devices (plantimager-compatible) from the command line",
    "",
    ...lines,
    "",
    "Options: --json (one JSON line per result), --timeout <ms>, --help (also after a command),",
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
    else console.error(`plantrpc: ${message}`);
    return code;
  };
  if (e instanceof UsageError) return emit("usage", EXIT.usage);
  if (e instanceof RemoteError) {
    if (!out.json && e.traceback) console.error(`remote traceback:\n${e.traceback}`);
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

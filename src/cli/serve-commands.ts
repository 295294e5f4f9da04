import { DeviceRegistry } from "../registry/index.js";
import { type Parsed, UsageError } from "./args.js";
import { allowKeys, type Command, need, serverKeys, untilInterrupted } from "./command.js";
import { runDemo, type ServeDemoWeb, serveDemo } from "./demo.js";
import { runGateway } from "./gateway.js";
import { inline } from "./terminal.js";
import { dashboardAccess, dashboardScript, runWeb } from "./web.js";
import { WEB_FLAGS, warnNoToken, webFlags } from "./web-flags.js";

const WEB_USAGE = "[--token t | --no-token] [--allow-origin o] [--allow-host h] [--allow-address a] [--max-devices n]";

/** The commands that serve until interrupted: a registry, the gateway, the dashboard, the demo. */
export const SERVE_COMMANDS: Record<string, Command> = {
  registry: {
    usage: "registry [--addr *] [--port 5555] [--keys file.key_secret [--allow-keys dir]]",
    flags: ["addr", "port", "keys", "allow-keys"],
    help: "Run a device registry until interrupted, printing devices as they come and go.",
    async run(p, out) {
      const port = p.flags.has("port") ? Number(p.flags.get("port")) : 5555;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port takes a port number");
      const curve = serverKeys(p);
      const registry = new DeviceRegistry({ addr: String(p.flags.get("addr") ?? "*"), port, curve });
      registry.on("added", (type, addr, name) =>
        out.result(
          { event: "added", type, addr, name },
          () => `+ ${inline(name)} (${inline(type)}) at ${inline(addr)}`,
        ),
      );
      registry.on("removed", (type, addr, name) =>
        out.result(
          { event: "removed", type, addr, name },
          () => `- ${inline(name)} (${inline(type)}) at ${inline(addr)}`,
        ),
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
  gateway: {
    usage: `gateway <registry-url> --listen ws://127.0.0.1:8090 ${WEB_USAGE}`,
    flags: ["listen", ...WEB_FLAGS],
    help:
      "Relay every device of a plantrpc registry to one WebSocket port, for browsers (ws://.../<name>?token=...). " +
      "Pages must be allowed by origin (--allow-origin); a token is made up unless given.",
    async run(p, out) {
      const [registry] = need(p, 1, this.usage);
      const listen = p.flags.get("listen");
      if (typeof listen !== "string" || !/^wss?:\/\//.test(listen)) throw new UsageError("--listen takes a ws:// URL");
      await runGateway(registry!, listen, webFlags(p), (v, h) => out.result(v, h), untilInterrupted);
    },
  },
  web: {
    usage: `web <registry-url> [--addr 127.0.0.1] [--port 8080] ${WEB_USAGE}`,
    flags: ["addr", "port", ...WEB_FLAGS],
    help: "Serve a live dashboard of a registry's devices: inventories, calls, properties, signals, images. Open the URL it prints (it holds the token).",
    async run(p, out) {
      const [registry] = need(p, 1, this.usage);
      const port = p.flags.has("port") ? Number(p.flags.get("port")) : 8080;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port takes a port number");
      const host = String(p.flags.get("addr") ?? "127.0.0.1");
      await runWeb(registry!, host, port, webFlags(p), (v, h) => out.result(v, h), untilInterrupted);
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
      "serve-demo [--registry-port 5555] [--registry-addr 127.0.0.1] [--camera-url tcp://127.0.0.1:5556] [--name demo-camera] [--secure | --keys file.key_secret] [--allow-keys dir] [--web [--port 8080] [--token t | --no-token] [--allow-host h]]",
    flags: [
      "registry-port",
      "registry-addr",
      "camera-url",
      "name",
      "secure",
      "keys",
      "allow-keys",
      "web",
      "port",
      ...WEB_FLAGS,
    ],
    help: "Keep a registry and the virtual camera running, for plantrpc or Python clients.",
    async run(p) {
      await serveDemo({
        registryPort: Number(p.flags.get("registry-port") ?? 5555),
        registryAddr: String(p.flags.get("registry-addr") ?? "127.0.0.1"),
        cameraUrl: String(p.flags.get("camera-url") ?? "tcp://127.0.0.1:5556"),
        name: String(p.flags.get("name") ?? "demo-camera"),
        secure: p.flags.has("secure"),
        keys: serverKeys(p),
        allowKeys: allowKeys(p),
        web: webOption(p),
        untilInterrupted,
      });
    },
  },
};

/** serve-demo --web [--port N]: the dashboard too (not with CURVE: its gateway speaks NULL). */
function webOption(p: Parsed): ServeDemoWeb | undefined {
  if (!p.flags.has("web")) {
    for (const flag of ["port", ...WEB_FLAGS]) {
      if (p.flags.has(flag)) throw new UsageError(`--${flag} goes with --web (the dashboard's)`);
    }
    return undefined;
  }
  if (p.flags.has("secure") || p.flags.has("keys")) throw new UsageError("--web cannot be used with CURVE yet");
  const port = p.flags.has("port") ? Number(p.flags.get("port")) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port takes a port number");
  const flags = webFlags(p);
  warnNoToken(flags, "127.0.0.1");
  return { script: dashboardScript(), port, ...dashboardAccess(flags) };
}

import { Dashboard, type DashboardOptions } from "../web/index.js";
import { inline } from "./terminal.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createVirtualCamera } from "../demo/camera.js";
import { curveKeyPair } from "../zmq/index.js";
import { DeviceRegistry, listDevices, registerToRegistry } from "../registry/index.js";
import { type BufferResult, RemoteError, RPCClient, RpcError, RpcTimeoutError } from "../rpc/index.js";

const step = (title: string) => console.log(`\n== ${title}`);
const say = (text: string) => console.log(`   ${text}`);

/**
 * The walk-through: a registry, a virtual camera that registers with it, and a client that
 * finds the camera through the registry and uses every feature, all in this process.
 */
export async function runDemo(options: { outDir: string }): Promise<void> {
  step("1. A device registry (port chosen by the OS)");
  const registry = new DeviceRegistry({ addr: "127.0.0.1", port: 0 });
  registry.on("added", (type, addr, name) => say(`[registry] + ${name} (${type}) at ${addr}`));
  registry.on("removed", (type, addr, name) => say(`[registry] - ${name} (${type}) at ${addr}`));
  await registry.start();
  say(`registry at ${registry.url}`);

  step("2. A virtual camera device registers itself");
  const camera = createVirtualCamera("tcp://127.0.0.1");
  const { name } = await registerToRegistry(camera, "camera", "demo-camera", registry.url);
  const serving = camera.serveForever();
  say(`camera "${name}" serving at ${camera.endpoint} (port picked in [10000, 12000) as the reference does)`);

  try {
    step("3. A client finds the camera through the registry");
    const devices = await listDevices(registry.url);
    for (const [n, d] of Object.entries(devices)) say(`found ${n}: ${d.type} at ${d.addr}`);
    const client = await RPCClient.connect(devices["demo-camera"]!.addr);
    const inv = client.inventory;
    say(`connected to "${client.name}"`);
    say(
      `JSON methods:   ${Object.entries(inv.json_methods)
        .map(([m, t]) => `${m} (${t} ms)`)
        .join(", ")}`,
    );
    say(`buffer methods: ${Object.keys(inv.buffer_methods).join(", ")}`);
    say(`properties:     ${inv.properties.join(", ")}`);
    say(`signals:        ${inv.signals.join(", ")}`);
    say(`encoding:       ${inv.plantrpc ? "MessagePack (both sides are plantrpc)" : "JSON"}`);

    step("4. Signals: the client listens to the camera's notify signals");
    const seen: string[] = [];
    const arrived = new Map<string, () => void>();
    for (const s of inv.signals) {
      client.signal(s).connect((...args: unknown[]) => {
        seen.push(s);
        say(`[signal] ${s}(${args.map((a) => JSON.stringify(a)).join(", ")})`);
        arrived.get(s)?.();
      });
    }
    const waitFor = (s: string) =>
      new Promise<void>((r) => {
        arrived.set(s, r);
        setTimeout(r, 1000); // a signal is best effort (PUB/SUB): do not hang the demo on one
      });

    step("5. Properties");
    say(
      `mode = ${JSON.stringify(await client.getProperty("mode"))}, resolution = ${JSON.stringify(await client.getProperty("resolution"))}`,
    );
    let signal = waitFor("modeChanged");
    await client.setProperty("mode", "VIDEO");
    await signal;
    say(`video_url = ${JSON.stringify(await client.getProperty("video_url"))}`);
    signal = waitFor("resolutionChanged");
    await client.setProperty("resolution", [800, 600]);
    await signal;
    await client.setProperty("mode", "STILL");

    step("6. A buffer method: get_image returns a real PNG");
    mkdirSync(options.outDir, { recursive: true });
    const { buffer, info } = await client.call<BufferResult>("get_image", [false]);
    const file = resolve(join(options.outDir, "plant.png"));
    writeFileSync(file, buffer);
    say(`got ${buffer.length} bytes, info ${JSON.stringify(info)}`);
    say(`written to ${file}`);
    const lores = await client.call<BufferResult>("get_image", [], { lores: true });
    const loresFile = resolve(join(options.outDir, "plant-lores.png"));
    writeFileSync(loresFile, lores.buffer);
    say(`lores (keyword argument lores=true): ${lores.info.width}x${lores.info.height}, written to ${loresFile}`);

    step("7. Errors travel back as typed errors; nothing wedges");
    try {
      await client.setProperty("encoding", "jpeg");
    } catch (e) {
      if (!(e instanceof RemoteError)) throw e;
      say(`RemoteError: ${e.remoteError}`);
    }
    try {
      await client.call("self_destruct");
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
      say(`unknown method, refused at once: ${e.message}`);
    }
    try {
      await client.call("capture_slowly", [2000]);
    } catch (e) {
      if (!(e instanceof RpcTimeoutError)) throw e;
      say(`timeout: ${e.message}`);
    }
    say(`and the next call works: config = ${JSON.stringify(await client.getProperty("config"))}`);

    step("8. A typed proxy");
    interface Camera {
      get_image(lores: boolean): { buffer: Uint8Array; info: Record<string, unknown> };
    }
    const cam = client.proxy<Camera>();
    const shot = await cam.get_image(true);
    say(`cam.get_image(true) -> frame ${shot.info.frame}, ${shot.buffer.length} bytes`);

    step("9. Stopping the camera: it unregisters from the registry");
    const removed = new Promise<void>((r) => registry.on("removed", () => r()));
    say(`STOP_SERVER acknowledged: ${await client.stopServer()}`);
    await serving;
    await removed;
    client.close();
    say(`signals received: ${[...new Set(seen)].join(", ") || "(none)"}`);
  } finally {
    camera.close();
    await registry.stop();
  }
  step("done");
}

/** `serve-demo`: a registry and the camera, running until interrupted. */
/** serve-demo --web: what the dashboard needs besides the registry. */
export type ServeDemoWeb = Omit<DashboardOptions, "registry" | "host">;

export async function serveDemo(options: {
  registryPort: number;
  /** The registry's interface: loopback unless asked (its protocol has no authentication). */
  registryAddr?: string;
  cameraUrl: string;
  name: string;
  /** Serve the registry and the camera over CURVE, with fresh keys. */
  secure?: boolean;
  /** Serve both over CURVE with this key pair (a `--keys` certificate) instead of fresh keys. */
  keys?: { publicKey: string; secretKey: string };
  /** With CURVE: admit only the clients whose certificates are in this directory. */
  allowKeys?: string;
  /** Also serve the dashboard: its script, its port, its access rules. */
  web?: ServeDemoWeb;
  untilInterrupted: () => Promise<void>;
}): Promise<void> {
  const pair = (keys?: { publicKey: string; secretKey: string }) =>
    keys ? { publicKey: keys.publicKey, secretKey: keys.secretKey } : undefined;
  const registryKeys = pair(options.keys ?? (options.secure ? curveKeyPair() : undefined));
  const cameraKeys = pair(options.keys ?? (options.secure ? curveKeyPair() : undefined));
  // The camera registers with keys of its own, which the registry admits beside the directory's.
  const registrant = options.allowKeys && registryKeys ? curveKeyPair() : undefined;
  const registry = new DeviceRegistry({
    addr: options.registryAddr ?? "127.0.0.1",
    port: options.registryPort,
    curve:
      registryKeys && options.allowKeys
        ? { ...registryKeys, allowKeys: { directory: options.allowKeys, keys: [registrant!.publicKey] } }
        : registryKeys,
  });
  registry.on("added", (type, addr, name) =>
    console.log(`[registry] + ${inline(name)} (${inline(type)}) at ${inline(addr)}`),
  );
  registry.on("removed", (type, addr, name) =>
    console.log(`[registry] - ${inline(name)} (${inline(type)}) at ${inline(addr)}`),
  );
  await registry.start();
  const camera = createVirtualCamera(
    options.cameraUrl,
    cameraKeys && options.allowKeys ? { ...cameraKeys, allowKeys: options.allowKeys } : cameraKeys,
  );
  const { name } = await registerToRegistry(camera, "camera", options.name, registry.url, {
    curve: registryKeys ? { serverKey: registryKeys.publicKey, ...registrant } : undefined,
  });
  const serving = camera.serveForever();
  const url = camera.registeredAddress;
  console.log(`registry: ${registry.url}`);
  console.log(`camera "${name}": ${url}`);
  const own = options.allowKeys ? " --keys <a .key_secret whose .key is in the directory>" : "";
  const registryFlag = registryKeys ? ` --server-key '${registryKeys.publicKey}'${own}` : "";
  const cameraFlag = cameraKeys ? ` --server-key '${cameraKeys.publicKey}'${own}` : "";
  if (registryKeys && cameraKeys) {
    console.log(`registry public key: ${registryKeys.publicKey}\ncamera public key: ${cameraKeys.publicKey}`);
    if (options.allowKeys) console.log(`clients admitted: the certificates in ${options.allowKeys}`);
  }
  console.log(
    `\ntry:\n  plantrpc devices ${registry.url}${registryFlag}\n  plantrpc inventory ${url}${cameraFlag}\n  plantrpc call ${url} get_image false --out plant.png${cameraFlag}\n  plantrpc watch ${url}${cameraFlag}\n  plantrpc set ${url} mode '"VIDEO"'${cameraFlag}`,
  );
  let dashboard: Dashboard | undefined;
  if (options.web) {
    dashboard = new Dashboard({ registry: `tcp://127.0.0.1:${registry.port}`, ...options.web });
    await dashboard.start();
    console.log(`\ndashboard: ${dashboard.url}`);
  }
  console.log(`\nCtrl-C to stop.`);
  await Promise.race([options.untilInterrupted(), serving]);
  await dashboard?.stop();
  camera.close();
  await serving;
  await registry.stop();
}

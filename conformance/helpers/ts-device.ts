import { createHash } from "node:crypto";
import { type CurveServerKeys, registerToRegistry, RPCServer, RPCSignal, type WebAccess } from "../../src/index.js";
import { patternBytes } from "./peers.js";

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/**
 * The TypeScript twin of conformance/peers/rpc_device.py, plus what only a plantrpc server
 * can be asked (async methods, values JSON cannot hold, a throwing getter).
 */
export function makeTsDevice(url = "tcp://127.0.0.1", curve?: CurveServerKeys, web?: string, webAccess?: WebAccess) {
  const server = new RPCServer({ url, curve, web, webAccess });
  const tick = server.registerSignal("tick", new RPCSignal<[number]>(Number));
  server.registerSignal("exposure_changed", new RPCSignal<[number]>(Number));
  let exposure = 10;
  server
    .registerMethodJson("add", (a: number, b = 2) => a + b, { params: ["a", "b"] })
    .registerMethodJson("echo", (x: unknown) => x, { params: ["x"] })
    .registerMethodJson("fail", (msg: string) => {
      throw new Error(msg);
    })
    .registerMethodJson("slow", (ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), { timeout: 300 })
    .registerMethodJson("sleep", (ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), { timeout: 5000 })
    .registerMethodJson("forever", () => "done", { timeout: null })
    .registerMethodJson("emit_tick", (n: number) => tick.emit(n))
    .registerMethodJson(
      "emit_ticks",
      (n: number) => {
        for (let i = 0; i < n; i++) tick.emit(i);
        return n;
      },
      { timeout: null },
    )
    .registerMethodJson("big", () => 10n)
    .registerMethodBuffer("blob", (n: number) => [patternBytes(n), { size: n }], { params: ["n"] })
    .registerMethodBuffer("broken_blob", () => {
      throw new Error("no image available");
    })
    .registerMethodBuffer("bad_info", () => [new Uint8Array(1), { error: "not really" }])
    .registerProperty("exposure", {
      get: () => exposure,
      set: (v: number) => {
        exposure = v;
      },
      notify: "exposure_changed",
      autoNotify: true,
    })
    .registerProperty("model", { get: () => "plantrpc-device" })
    .registerProperty("broken", {
      get: () => {
        throw new Error("sensor unplugged");
      },
    });
  return { server, tick };
}

/** The device above, registered as a camera under `name` and serving; closed by `cleanups`. */
export async function registeredTsDevice(registryUrl: string, name: string, cleanups: Array<() => unknown>) {
  const { server } = makeTsDevice();
  await registerToRegistry(server, "camera", name, registryUrl);
  void server.serveForever();
  cleanups.push(() => server.close());
  return server;
}

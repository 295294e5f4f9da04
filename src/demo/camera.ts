import { type CurveServerKeys, RPCServer, RpcError, RPCSignal } from "../rpc/index.js";
import { drawPlant } from "./plant-image.js";
import { registerCameraMotion } from "./camera-motion.js";
import { encodePng } from "./png.js";

export type CameraMode = "STILL" | "VIDEO";

/**
 * A virtual camera implementing the reference's Camera interface (plantimager.commons
 * .cameradevice.Camera): get_image(lores) and the mode, video_url, rotation, resolution,
 * encoding and config properties with their notify signals. A Python client built on that
 * interface drives it unchanged. Images are PNGs of a drawn plant that turns between shots.
 * Beyond the reference: a live `preview` stream and a long `scan` with progress (camera-motion.ts).
 */
export function createVirtualCamera(url = "tcp://127.0.0.1", curve?: CurveServerKeys): RPCServer {
  const server = new RPCServer({ url, curve });
  const state = {
    mode: "STILL" as CameraMode,
    resolution: [640, 480] as [number, number],
    encoding: "png",
    rotation: 0,
    config: { exposure_ms: 10, gain: 1 } as Record<string, unknown>,
    frame: 0,
  };
  const signals = {
    modeChanged: server.registerSignal("modeChanged", new RPCSignal<[string]>(String)),
    videoUrlChanged: server.registerSignal("videoUrlChanged", new RPCSignal<[string]>(String)),
    rotationChanged: server.registerSignal("rotationChanged", new RPCSignal<[number]>(Number)),
    resolutionChanged: server.registerSignal("resolutionChanged", new RPCSignal<[number[]]>(Array)),
    encodingChanged: server.registerSignal("encodingChanged", new RPCSignal<[string]>(String)),
    configChanged: server.registerSignal("configChanged", new RPCSignal<[object]>(Object)),
  };

  const shot = (lores: boolean): [Uint8Array, Record<string, unknown>] => {
    const [w, h] = lores
      ? [Math.max(1, state.resolution[0] >> 2), Math.max(1, state.resolution[1] >> 2)]
      : state.resolution;
    const frame = state.frame++;
    const png = encodePng(w, h, drawPlant(w, h, frame));
    return [png, { format: "png", width: w, height: h, frame, lores: Boolean(lores), mode: state.mode }];
  };
  server.registerMethodBuffer("get_image", (lores = false) => shot(Boolean(lores)), {
    params: ["lores"],
    timeout: 10000,
  });
  registerCameraMotion(server, shot);
  server.registerMethodJson(
    "capture_slowly",
    (ms = 2000) => new Promise((resolve) => setTimeout(() => resolve({ exposed_ms: ms }), ms)),
    { params: ["ms"], timeout: 500 },
  );

  server.registerProperty("mode", {
    get: () => state.mode,
    set: (v: CameraMode) => {
      if (v !== "STILL" && v !== "VIDEO")
        throw new RpcError(`mode must be "STILL" or "VIDEO", not ${JSON.stringify(v)}`);
      state.mode = v;
    },
    notify: signals.modeChanged as RPCSignal,
    autoNotify: true,
  });
  server.registerProperty("video_url", {
    get: () => (state.mode === "VIDEO" ? `${server.registeredAddress}/video` : ""),
  });
  server.registerProperty("rotation", { get: () => state.rotation });
  server.registerProperty("resolution", {
    get: () => state.resolution,
    set: (v: [number, number]) => {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isInteger(n) && n > 0 && n <= 4096)) {
        throw new RpcError("resolution must be [width, height], each 1 to 4096");
      }
      state.resolution = [v[0], v[1]];
    },
    notify: signals.resolutionChanged as RPCSignal,
    autoNotify: true,
  });
  server.registerProperty("encoding", {
    get: () => state.encoding,
    set: (v: string) => {
      if (v !== "png") throw new RpcError(`this virtual camera encodes png only, not ${JSON.stringify(v)}`);
      state.encoding = v;
    },
    notify: signals.encodingChanged as RPCSignal,
    autoNotify: true,
  });
  server.registerProperty("config", {
    get: () => state.config,
    set: (v: Record<string, unknown>) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new RpcError("config must be an object");
      state.config = { ...state.config, ...v };
    },
    notify: signals.configChanged as RPCSignal,
    autoNotify: true,
  });
  return server;
}

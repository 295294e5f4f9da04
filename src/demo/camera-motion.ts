/**
 * The virtual camera's long and streaming work (protocol-spec/rpc.md, section 8): a live preview
 * (a stream of small PNG frames at the rate asked for, paced by the reader) and a scan that moves
 * through positions, reporting its progress and stopping as soon as its caller gives up.
 */
import type { CallContext, RPCServer } from "../rpc/index.js";
import { RpcError } from "../rpc/index.js";

/** A frame of the camera: PNG bytes and what they show. */
export type Shot = (lores: boolean) => [Uint8Array, Record<string, unknown>];

/** Waits `ms`, or rejects with the abort's reason as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    const aborted = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", aborted, { once: true });
  });
}

/** Registers `preview` (a stream of low-resolution frames) and `scan` (positions, with progress). */
export function registerCameraMotion(server: RPCServer, shot: Shot): void {
  server.registerMethodStream(
    "preview",
    async function* (call: CallContext, fps = 4) {
      if (!(typeof fps === "number" && fps > 0 && fps <= 30)) throw new RpcError("fps must be a number in (0, 30]");
      for (;;) {
        yield shot(true);
        await sleep(1000 / fps, call.signal);
      }
    },
    { items: "buffer", params: ["fps"] },
  );
  server.registerMethodJson(
    "scan",
    async (call: CallContext, positions = 12, dwell_ms = 250) => {
      if (!(Number.isInteger(positions) && positions > 0 && positions <= 360))
        throw new RpcError("positions must be an integer from 1 to 360");
      if (!(typeof dwell_ms === "number" && dwell_ms >= 0 && dwell_ms <= 10_000))
        throw new RpcError("dwell_ms must be from 0 to 10000");
      const angles: number[] = [];
      for (let i = 0; i < positions; i++) {
        await sleep(dwell_ms, call.signal); // the motors move, then the camera shoots
        angles.push(Math.round((360 * i) / positions));
        call.progress({ position: i + 1, of: positions, angle: angles[i] });
      }
      return { positions, angles };
    },
    { callContext: true, params: ["positions", "dwell_ms"], timeout: null },
  );
}

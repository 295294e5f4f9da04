import type { CurveBoxes } from "./curve-box.js";
import type { BoxPool, CurveWorkers } from "./curve-pool.js";

/** curve-pool.ts in a web page: pages speak NULL, so CURVE never asks for worker threads. */
export function automaticCurveThreads(): number {
  return 0;
}

export function curvePool(_workers: CurveWorkers | number, _boxes: CurveBoxes): BoxPool | undefined {
  return undefined;
}

export function curveWorkersFailed(_script?: string | URL): boolean {
  return false;
}

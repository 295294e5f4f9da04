import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CurveBoxes } from "./curve-box.js";
import { curveWorkerUrl } from "./curve-worker-url.js";

/**
 * Worker threads that seal and open large MESSAGE boxes, so that successive boxes of a
 * connection use several cores: each box's nonce is known when it is asked for, and the
 * connection puts the results back in order (engine/in-order.ts). One pool per thread and size,
 * started on first use; its threads never keep the process alive.
 */
export interface BoxPool {
  /** A whole MESSAGE frame: `head` (16 octets), then the box of `flags` and `body`. */
  sealMessage(
    key: Uint8Array,
    nonce: Uint8Array,
    head: Uint8Array,
    flags: number,
    body: Uint8Array,
  ): Promise<Uint8Array>;
  /** What the box holds; undefined when it does not open. */
  open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Promise<Uint8Array | undefined>;
}

/** The count of cores: asked for each CURVE connection, read once (a system call each time). */
let cores: number | undefined;

/**
 * The automatic size: a worker for every core beyond the two that the process's own thread and
 * its peer (often on the same machine) keep busy, at most four; none on one or two cores, where
 * measurements show no gain (benchmarks/README.md, CURVE).
 */
export function automaticCurveThreads(): number {
  cores ??= availableParallelism();
  return Math.max(0, Math.min(4, cores - 2));
}

interface Job {
  id: number;
  /** Done on this thread instead, should the worker fail. */
  inline: () => Uint8Array | undefined;
  resolve: (value: Uint8Array | undefined) => void;
  size: number;
}

interface Lane {
  worker: Worker;
  jobs: Map<number, Job>;
  load: number;
}

/**
 * What a CURVE connection asks of the pool: how many workers, from which script (the context's
 * curveWorker, for a bundled program; by default the one beside this module), and whether the
 * program asked for them (a failure is then worth a warning; an automatic pool that cannot start,
 * as in a bundle without the script, falls back in silence).
 */
export interface CurveWorkers {
  threads: number;
  script?: string | URL | undefined;
  asked?: boolean;
}

const pools = new Map<string, Pool>();
/** The scripts whose workers could not start or stopped: CURVE seals on its own thread then. */
const failedScripts = new Set<string>();

/** The pool of `threads` workers (undefined for 0, or when worker threads cannot be started). */
export function curvePool(workers: CurveWorkers | number, boxes: CurveBoxes): BoxPool | undefined {
  const { threads, script: askedScript, asked = true } = typeof workers === "number" ? { threads: workers } : workers;
  // Most connections have no pool: the script's URL is made only for those that do.
  if (threads <= 0) return undefined;
  const script = askedScript ?? curveWorkerUrl();
  const key = `${threads} ${String(script)}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(threads, boxes, script, asked);
    pools.set(key, pool);
  }
  return pool.broken ? undefined : pool;
}

/** Whether workers from `script` (by default the library's own) could not start, or stopped. */
export function curveWorkersFailed(script: string | URL = curveWorkerUrl()): boolean {
  return failedScripts.has(String(script));
}

class Pool implements BoxPool {
  broken = false;
  private readonly lanes: Lane[] = [];
  private nextId = 0;

  constructor(
    threads: number,
    private readonly boxes: CurveBoxes,
    private readonly script: string | URL,
    private readonly asked: boolean,
  ) {
    try {
      for (let i = 0; i < threads; i++) this.lanes.push(this.startLane());
    } catch (e) {
      this.fail(e);
    }
  }

  sealMessage(
    key: Uint8Array,
    nonce: Uint8Array,
    head: Uint8Array,
    flags: number,
    body: Uint8Array,
  ): Promise<Uint8Array> {
    const data = postable(body);
    return this.submit({ op: "seal", key, nonce, head, flags, data: data.view }, data.transfer, body.length, () =>
      this.boxes.prefixed(key, nonce.subarray(0, 16)).sealMessage(nonce.subarray(16), head, flags, body),
    ) as Promise<Uint8Array>;
  }

  open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Promise<Uint8Array | undefined> {
    const data = postable(box);
    return this.submit({ op: "open", key, nonce, data: data.view }, data.transfer, box.length, () =>
      this.boxes.open(key, nonce, box),
    );
  }

  private submit(
    message: Record<string, unknown>,
    transfer: ArrayBuffer[],
    size: number,
    inline: () => Uint8Array | undefined,
  ): Promise<Uint8Array | undefined> {
    return new Promise((resolve) => {
      const lane = this.lightest();
      if (!lane) {
        resolve(inline());
        return;
      }
      const job: Job = { id: this.nextId++, inline, resolve, size };
      // Work in flight keeps the process running, as an I/O operation would; an idle pool does not.
      if (lane.jobs.size === 0) lane.worker.ref();
      lane.jobs.set(job.id, job);
      lane.load += size;
      lane.worker.postMessage({ id: job.id, ...message }, transfer);
    });
  }

  private lightest(): Lane | undefined {
    let best: Lane | undefined;
    for (const lane of this.lanes) if (!best || lane.load < best.load) best = lane;
    return best;
  }

  private startLane(): Lane {
    const worker = new Worker(this.script);
    const lane: Lane = { worker, jobs: new Map(), load: 0 };
    worker.on("message", (reply: { id?: number; result?: Uint8Array | null }) => {
      if (reply.id === undefined) return;
      const job = lane.jobs.get(reply.id);
      if (!job) return;
      lane.jobs.delete(reply.id);
      lane.load -= job.size;
      if (lane.jobs.size === 0) lane.worker.unref();
      job.resolve(reply.result ?? undefined);
    });
    // A worker that cannot start (no libsodium where it looks, a runtime without file workers)
    // or dies: what it held is done here, and the pool is given up for inline boxes.
    worker.on("error", (e: unknown) => this.fail(e));
    worker.on("exit", (code: number) => this.fail(`a worker exited (${code})`));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    return lane;
  }

  private fail(reason: unknown): void {
    if (this.broken) return;
    this.broken = true;
    failedScripts.add(String(this.script));
    // Said once, and only to a program that asked for workers: CURVE goes on working, only slower
    // than the option asked for. The automatic choice falls back in silence (a bundled program
    // without the worker's script has nothing to mend).
    if (this.asked) {
      (globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(
        `CURVE worker threads stopped (${reason instanceof Error ? reason.message : String(reason)}); large boxes are sealed on this thread (docs/bundling.md says where the worker's script goes)`,
      );
    }
    const lanes = this.lanes.splice(0);
    for (const lane of lanes) {
      for (const job of lane.jobs.values()) job.resolve(job.inline());
      lane.jobs.clear();
      lane.worker.terminate().catch(() => {});
    }
  }
}

/**
 * What to post for `view`: posting a view clones its whole buffer, so a view over part of a
 * larger one (a received chunk, a pooled Buffer) is copied out first, and that copy handed over.
 */
function postable(view: Uint8Array): { view: Uint8Array; transfer: ArrayBuffer[] } {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return { view, transfer: [] };
  const copy = view.slice();
  return { view: copy, transfer: [copy.buffer] };
}

/**
 * The worker threads for large CURVE boxes: the same boxes as this thread's, and when a worker
 * cannot start (here, a worker script that does not exist) the work is done here instead.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { loadCurveBoxes } from "../src/zmq/mechanism/curve/curve-box.js";

describe("the CURVE box pool", () => {
  it("seals and opens as this thread does (whole MESSAGE frames, views over larger buffers)", async () => {
    const { curvePool } = await import("../src/zmq/mechanism/curve/curve-pool.js");
    const boxes = await loadCurveBoxes();
    const pool = curvePool(2, boxes)!;
    expect(pool).toBeDefined();
    const key = new Uint8Array(32).fill(7);
    const nonce = new Uint8Array(24).fill(3);
    const head = new Uint8Array(16).fill(1);
    const backing = new Uint8Array(300_000).map((_, i) => i & 0xff);
    const body = backing.subarray(10, 200_010);
    const frame = await pool.sealMessage(key, nonce, head, 0x01, body);
    const plain = new Uint8Array(1 + body.length);
    plain[0] = 0x01;
    plain.set(body, 1);
    expect(frame.subarray(0, 16)).toEqual(head);
    expect(frame.subarray(16)).toEqual(boxes.seal(key, nonce, plain));
    expect(await pool.open(key, nonce, frame.subarray(16))).toEqual(plain);
    const tampered = frame.slice(16);
    tampered[100] = tampered[100]! ^ 1;
    expect(await pool.open(key, nonce, tampered)).toBeUndefined();
    // The body was copied, not taken: the caller's buffer is intact.
    expect(backing.byteLength).toBe(300_000);
  });

  it("falls back to this thread when its workers cannot start, and says so", async () => {
    const warnings: string[] = [];
    const warn = vi.spyOn(process, "emitWarning").mockImplementation((w) => void warnings.push(String(w)));
    vi.resetModules();
    vi.doMock("../src/zmq/mechanism/curve/curve-worker-url.js", () => ({
      curveWorkerUrl: () => new URL("./no-such-worker.mjs", import.meta.url),
    }));
    try {
      const { curvePool } = await import("../src/zmq/mechanism/curve/curve-pool.js");
      const boxes = await loadCurveBoxes();
      const pool = curvePool(3, boxes)!;
      const key = new Uint8Array(32).fill(9);
      const nonce = new Uint8Array(24).fill(4);
      const body = new Uint8Array(100_000).fill(5);
      const frame = await pool.sealMessage(key, nonce, new Uint8Array(16), 0, body);
      const opened = await pool.open(key, nonce, frame.subarray(16));
      expect(opened?.subarray(1)).toEqual(body);
      await vi.waitFor(() => expect(curvePool(3, boxes)).toBeUndefined());
      expect(warnings.some((w) => /CURVE worker threads stopped/.test(w))).toBe(true);
    } finally {
      warn.mockRestore();
      vi.doUnmock("../src/zmq/mechanism/curve/curve-worker-url.js");
      vi.resetModules();
    }
  });

  it("falls back in silence when the program did not ask for workers (a bundle without the script)", async () => {
    const warnings: string[] = [];
    const warn = vi.spyOn(process, "emitWarning").mockImplementation((w) => void warnings.push(String(w)));
    try {
      const { curvePool, curveWorkersFailed } = await import("../src/zmq/mechanism/curve/curve-pool.js");
      const { Context } = await import("../src/zmq/context.js");
      const script = new URL("./no-worker-here.mjs", import.meta.url);
      const boxes = await loadCurveBoxes();
      const pool = curvePool({ threads: 2, script, asked: false }, boxes)!;
      const key = new Uint8Array(32).fill(2);
      const nonce = new Uint8Array(24).fill(6);
      const frame = await pool.sealMessage(key, nonce, new Uint8Array(16), 0, new Uint8Array(1000).fill(8));
      expect((await pool.open(key, nonce, frame.subarray(16)))?.length).toBe(1001);
      await vi.waitFor(() => expect(curveWorkersFailed(script)).toBe(true));
      expect(warnings.filter((w) => /CURVE worker/.test(w))).toEqual([]);
      // A context with that script reads what CURVE does now: no worker threads.
      const context = new Context({ curveWorker: script, curveThreads: 2 });
      expect(context.curveThreads).toBe(0);
      expect(new Context({ curveThreads: 2 }).curveThreads).toBe(2);
      expect(() => new Context({ curveWorker: 42 as never })).toThrow(/curveWorker is a path or a URL/);
    } finally {
      warn.mockRestore();
    }
  });

  const built = join(import.meta.dirname, "..", "dist", "zmq", "mechanism", "curve");
  it.runIf(existsSync(built))("keeps the process running while a box is on a worker (an idle pool does not)", () => {
    const url = (name: string) => JSON.stringify(pathToFileURL(join(built, name)).href);
    const script = `const { curvePool } = await import(${url("curve-pool.js")});
      const { loadCurveBoxes } = await import(${url("curve-box.js")});
      const pool = curvePool(1, await loadCurveBoxes());
      const frame = await pool.sealMessage(new Uint8Array(32), new Uint8Array(24), new Uint8Array(16), 0, new Uint8Array(1 << 20));
      console.log(frame.length);`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.stdout.trim()).toBe(String(16 + 16 + 1 + (1 << 20)));
    expect(run.status).toBe(0);
  });
});

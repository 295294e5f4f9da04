import { describe, expect, it } from "vitest";
import { InOrder } from "../src/zmq/engine/in-order.js";

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

function queue() {
  const delivered: string[] = [];
  const failures: unknown[] = [];
  let releases = 0;
  const q = new InOrder<string>(
    (v) => delivered.push(v),
    (e) => failures.push(e),
    () => releases++,
  );
  return { q, delivered, failures, releases: () => releases };
}

describe("InOrder", () => {
  it("passes ready values straight through while nothing waits", () => {
    const { q, delivered } = queue();
    q.push("a", 0);
    q.push("b", 0);
    expect(delivered).toEqual(["a", "b"]);
    expect(q.busy).toBe(false);
  });

  it("hands results on in the order they were asked for, whatever order they come in", async () => {
    const { q, delivered, releases } = queue();
    const first = deferred<string>();
    const second = deferred<string>();
    q.push(first.promise, 100);
    q.push("ready", 0);
    q.push(second.promise, 50);
    expect(q.pendingSize).toBe(150);
    second.resolve("second");
    await second.promise;
    await Promise.resolve();
    expect(delivered).toEqual([]);
    first.resolve("first");
    await first.promise;
    await Promise.resolve();
    expect(delivered).toEqual(["first", "ready", "second"]);
    expect(q.busy).toBe(false);
    expect(q.pendingSize).toBe(0);
    expect(releases()).toBeGreaterThan(0);
  });

  it("stops at a failure: nothing after it is handed on", async () => {
    const { q, delivered, failures } = queue();
    const bad = deferred<string>();
    q.push(bad.promise, 1);
    q.push("after", 0);
    bad.reject(new Error("does not open"));
    await bad.promise.catch(() => {});
    await Promise.resolve();
    expect(delivered).toEqual([]);
    expect(failures).toHaveLength(1);
    q.push("later", 0);
    expect(delivered).toEqual([]);
  });

  it("drops late results once stopped", async () => {
    const { q, delivered } = queue();
    const late = deferred<string>();
    q.push(late.promise, 1);
    q.stop();
    late.resolve("late");
    await late.promise;
    await Promise.resolve();
    expect(delivered).toEqual([]);
  });
});

/**
 * The routing layer on its own (src/zmq/routing/), with fake pipes: load balancing (libzmq's
 * lb_t), fair queueing (fq_t), the routing-id table (ROUTER, STREAM) and subscriptions, each against a model of what
 * it promises, over random sequences of operations (fast-check).
 */
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FairQueue } from "../src/zmq/routing/fair-queue.js";
import { LoadBalancer } from "../src/zmq/routing/load-balancer.js";
import { RoutingTable } from "../src/zmq/routing/routing-ids.js";
import { Subscriptions } from "../src/zmq/routing/subscriptions.js";
/** What the routing layer reads of a pipe (whether it is full, its routing id), and a name. */
interface FakePipe {
  name: string;
  full: boolean;
  routingId?: Uint8Array | undefined;
}

function fakePipe(name: string, routingId?: Uint8Array): FakePipe {
  return { name, full: false, routingId };
}

const nameOf = (pipe: FakePipe | undefined) => pipe?.name;

describe("LoadBalancer (PUSH, DEALER, REQ)", () => {
  it("takes the pipes in turn, skipping full ones, and none when all are full", () => {
    const [a, b, c] = [fakePipe("a"), fakePipe("b"), fakePipe("c")];
    const lb = new LoadBalancer<FakePipe>();
    for (const p of [a, b, c, a]) lb.add(p); // added twice: once
    expect([1, 2, 3, 4].map(() => nameOf(lb.next()))).toEqual(["a", "b", "c", "a"]);
    b.full = true;
    expect([1, 2, 3].map(() => nameOf(lb.next()))).toEqual(["c", "a", "c"]);
    for (const p of [a, c]) p.full = true;
    expect(lb.next()).toBeUndefined();
  });

  it("over any sequence of adds, removes and fills: a pipe given has room and is present, and while the pipes stay as they are each ready one has its turn within a round", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("add" as const), pipe: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("remove" as const), pipe: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("fill" as const), pipe: fc.integer({ min: 0, max: 5 }), full: fc.boolean() }),
      fc.record({ kind: fc.constant("next" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const pipes = Array.from({ length: 6 }, (_, i) => fakePipe(String(i)));
        const lb = new LoadBalancer<FakePipe>();
        const present = new Set<FakePipe>();
        /** Turns since each ready pipe was last given, counted while the pipes stay as they are. */
        const waited = new Map<FakePipe, number>();
        for (const o of ops) {
          if (o.kind === "add") {
            lb.add(pipes[o.pipe]!);
            present.add(pipes[o.pipe]!);
            waited.clear(); // a new round
          } else if (o.kind === "remove") {
            lb.remove(pipes[o.pipe]!);
            present.delete(pipes[o.pipe]!);
            waited.clear();
          } else if (o.kind === "fill") {
            pipes[o.pipe]!.full = o.full;
            waited.clear();
          } else {
            const given = lb.next();
            const ready = [...present].filter((p) => !p.full);
            if (ready.length === 0) {
              expect(given).toBeUndefined();
              continue;
            }
            expect(given && present.has(given) && !given.full).toBe(true);
            for (const p of ready) waited.set(p, p === given ? 0 : (waited.get(p) ?? 0) + 1);
            // Fair: within a round, a ready pipe waits fewer turns than there are ready pipes.
            for (const turns of waited.values()) expect(turns).toBeLessThan(ready.length);
          }
        }
      }),
    );
  });
});

describe("RoutingTable (ROUTER, STREAM)", () => {
  it("finds a peer by the octets of its id, and a peer leaving removes only its own entry", () => {
    const table = new RoutingTable<FakePipe>();
    const first = fakePipe("first", Buffer.from([0, 1, 2]));
    const second = fakePipe("second", Buffer.from([0, 1, 2])); // takes the id over (handover)
    table.set(first);
    expect(nameOf(table.get(new Uint8Array([0, 1, 2])))).toBe("first");
    table.set(second);
    table.remove(first); // the first leaves: the id stays with the second
    expect(nameOf(table.get(Buffer.from([0, 1, 2])))).toBe("second");
    table.take(Buffer.from([0, 1, 2]));
    expect(table.get(Buffer.from([0, 1, 2]))).toBeUndefined();
    table.remove(fakePipe("no id")); // a pipe without an id is no one's entry
  });

  it("ids that differ in any octet, or in length, are different peers", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 8 }), {
          selector: (id) => Buffer.from(id).toString("hex"),
          maxLength: 20,
        }),
        (ids) => {
          const table = new RoutingTable<FakePipe>();
          for (const [i, id] of ids.entries()) table.set(fakePipe(String(i), id));
          for (const [i, id] of ids.entries()) expect(nameOf(table.get(Uint8Array.from(id)))).toBe(String(i));
        },
      ),
    );
  });
});

describe("Subscriptions (SUB, XPUB)", () => {
  it("counts subscriptions to a topic, as libzmq: two subscribes need two cancels", () => {
    const subs = new Subscriptions();
    expect(subs.add(Buffer.from("cam"))).toBe(true);
    expect(subs.add(Buffer.from("cam"))).toBe(false);
    expect(subs.remove(Buffer.from("cam"))).toBe(false);
    expect(subs.matches(Buffer.from("camera"))).toBe(true);
    expect(subs.remove(Buffer.from("cam"))).toBe(true);
    expect(subs.matches(Buffer.from("camera"))).toBe(false);
    expect(subs.remove(Buffer.from("cam"))).toBe(false); // never more than was added
  });

  it("matches a message whose first frame starts with a topic; the empty topic matches all", () => {
    const subs = new Subscriptions();
    expect(subs.matches(Buffer.from("x"))).toBe(false); // nothing subscribed: nothing matches
    subs.add(Buffer.alloc(0));
    expect(subs.matches(undefined)).toBe(true);
    expect(subs.matches(Buffer.from("anything"))).toBe(true);
  });

  it("agrees with a model (a count per topic, a prefix test) over any sequence of subscribes and cancels", () => {
    const topic = fc.uint8Array({ maxLength: 3 }).map((t) => Buffer.from(t));
    const op = fc.record({ add: fc.boolean(), topic });
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.array(fc.uint8Array({ maxLength: 5 }), { maxLength: 10 }),
        (ops, messages) => {
          const subs = new Subscriptions();
          const model = new Map<string, number>();
          for (const { add, topic: t } of ops) {
            const key = t.toString("hex");
            const count = model.get(key) ?? 0;
            if (add) {
              expect(subs.add(t)).toBe(count === 0);
              model.set(key, count + 1);
            } else {
              expect(subs.remove(t)).toBe(count === 1);
              if (count <= 1) model.delete(key);
              else model.set(key, count - 1);
            }
          }
          expect(new Set([...subs].map((p) => p.toString("hex")))).toEqual(new Set(model.keys()));
          for (const message of messages) {
            const m = Buffer.from(message);
            const expected = [...model.keys()].some((k) => m.subarray(0, k.length / 2).toString("hex") === k);
            expect(subs.matches(m)).toBe(expected);
          }
        },
      ),
    );
  });
});

describe("FairQueue (PULL, DEALER, ROUTER, REP, GATHER, CLIENT, SERVER: what they receive)", () => {
  it("takes one item from each source with items in turn, in the order the sources first had some", () => {
    const [a, b, c] = [fakePipe("a"), fakePipe("b"), fakePipe("c")];
    const fq = new FairQueue<FakePipe, string>();
    for (const item of ["a1", "a2", "a3"]) fq.push(a, item);
    for (const item of ["b1", "b2"]) fq.push(b, item);
    fq.push(c, "c1");
    const taken: string[] = [];
    for (let item = fq.shift(); item !== undefined; item = fq.shift()) taken.push(item);
    expect(taken).toEqual(["a1", "b1", "c1", "a2", "b2", "a3"]);
    expect(fq.length).toBe(0);
  });

  it("over any sequence of pushes, shifts and drops: each source's items keep their order, none is lost or made up, and no source waits more than a round", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("push" as const), source: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant("shift" as const) }),
      fc.record({ kind: fc.constant("drop" as const), source: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const sources = [0, 1, 2, 3].map((n) => fakePipe(String(n)));
        const fq = new FairQueue<FakePipe, { source: number; seq: number }>();
        // The model: each source's waiting items, and how many shifts each has waited with items.
        const waiting: number[][] = [[], [], [], []];
        const waitedShifts = [0, 0, 0, 0];
        let seq = 0;
        for (const o of ops) {
          if (o.kind === "push") {
            waiting[o.source]!.push(seq);
            fq.push(sources[o.source]!, { source: o.source, seq: seq++ });
          } else if (o.kind === "drop") {
            expect(fq.dropSource(sources[o.source]!)).toBe(waiting[o.source]!.length);
            waiting[o.source] = [];
            waitedShifts[o.source] = 0;
          } else {
            const item = fq.shift();
            if (item === undefined) {
              expect(waiting.every((w) => w.length === 0)).toBe(true);
              continue;
            }
            expect(item.seq).toBe(waiting[item.source]!.shift());
            for (let n = 0; n < 4; n++) {
              if (n === item.source) waitedShifts[n] = 0;
              else if (waiting[n]!.length > 0) waitedShifts[n]!++;
              // Four sources: one that has items is served within three shifts of others.
              expect(waitedShifts[n]).toBeLessThan(4);
            }
          }
          expect(fq.length).toBe(waiting.reduce((sum, w) => sum + w.length, 0));
        }
      }),
    );
  });
});

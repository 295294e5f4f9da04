import { listDevices } from "../registry/index.js";
import { type Inventory, inventoryProblems, plantrpcKeyProblems, RpcEvent } from "../rpc/protocol.js";
import { replyKeyProblems } from "./reply-keys.js";
import { CALL_CHECKS } from "./call-checks.js";
import type { Check, Context } from "./check-types.js";
import { fail, pass, referenceDefect, skip } from "./outcome.js";
import type { Answer, ReceivedSignal } from "./probe.js";

export type { Check, CheckOptions, Context } from "./check-types.js";

const NO_INVENTORY = skip("no inventory to go by");
const timedOut = (a: Answer): a is { timedOut: true; why?: string } => "timedOut" in a;
const isError = (body: unknown) =>
  typeof body === "object" && body !== null && (body as { success?: unknown }).success === false;

/** The checks, in the order they run; the destructive ones last, STOP_SERVER the very last. */
export const CHECKS: readonly Check[] = [
  {
    id: "inventory",
    title: "GET_INVENTORY answers with every key the protocol defines, well typed",
    async run(ctx) {
      const answer = await ctx.probe.ask({ event: RpcEvent.getInventory });
      if (timedOut(answer)) {
        // The first request: where a wrong key or another security shows, the handshake says so.
        return fail(`no answer within ${ctx.probe.timeout} ms${answer.why ? `: ${answer.why}` : ""}`);
      }
      const problems = inventoryProblems(answer.body, true);
      // Even a flawed inventory tells the other checks what to look at.
      ctx.inventory = usable(answer.body);
      if (problems.length) return fail(problems.join("; "));
      const inv = ctx.inventory!;
      const count = (o: object) => Object.keys(o).length;
      return pass(
        `${count(inv.json_methods)} JSON and ${count(inv.buffer_methods)} buffer methods, ` +
          `${inv.properties.length} properties, ${inv.signals.length} signals, name "${inv.name}"`,
      );
    },
  },
  {
    id: "plantrpc-key",
    title: "The plantrpc inventory key is valid, and MessagePack answers as it says",
    async run(ctx) {
      if (!ctx.inventory) return NO_INVENTORY;
      const key = ctx.inventory.plantrpc;
      if (key === undefined) return skip("no plantrpc key (not a plantrpc device)");
      const problems = plantrpcKeyProblems(key);
      if (problems.length) return fail(problems.join("; "));
      if (!key.encodings?.includes("msgpack")) return pass("valid; JSON only");
      const answer = await ctx.probe.ask({ event: RpcEvent.getInventory }, "msgpack");
      if (timedOut(answer)) return fail("no answer to a MessagePack GET_INVENTORY");
      if (answer.frames[0]![0] === 0x7b) return fail("a MessagePack request was answered in JSON");
      const same = JSON.stringify(answer.body) === JSON.stringify(ctx.inventory);
      return same ? pass("valid; MessagePack answers the same inventory") : fail("MessagePack inventory differs");
    },
  },
  {
    id: "properties-read",
    title: "Every property can be read",
    async run(ctx) {
      if (!ctx.inventory) return NO_INVENTORY;
      const bad: string[] = [];
      for (const name of ctx.inventory.properties) {
        const answer = await ctx.probe.ask({ event: RpcEvent.propertyGet, property: name });
        if (timedOut(answer)) bad.push(`${name}: no answer`);
        else if ((answer.body as { success?: unknown })?.success !== true)
          bad.push(`${name}: ${describe(answer.body)}`);
      }
      if (ctx.inventory.properties.length === 0) return skip("no properties");
      return bad.length ? fail(bad.join("; ")) : pass(`${ctx.inventory.properties.length} read`);
    },
  },
  {
    id: "unknown-method",
    title: "An unknown method gets an error reply, not silence",
    async run(ctx) {
      const answer = await ctx.probe.ask({
        event: RpcEvent.methodCall,
        method: "plantrpc_check_no_such_method",
        params: { args: [], kwargs: {} },
      });
      if (timedOut(answer)) return fail("no answer");
      return isError(answer.body) ? pass("error reply") : fail(`answered ${describe(answer.body)}`);
    },
  },
  {
    id: "methods-answer",
    title: "Every method answers (bad arguments are refused with an error reply, the method not run)",
    async run(ctx) {
      if (!ctx.inventory) return NO_INVENTORY;
      const names = [...Object.keys(ctx.inventory.json_methods), ...Object.keys(ctx.inventory.buffer_methods)];
      if (names.length === 0) return skip("no methods");
      const bad: string[] = [];
      for (const method of names) {
        const answer = await ctx.probe.ask({
          event: RpcEvent.methodCall,
          method,
          params: { args: [], kwargs: { plantrpc_check_unexpected_argument: true } },
        });
        if (timedOut(answer)) bad.push(`${method}: no answer`);
        else if (!isError(answer.body)) bad.push(`${method}: accepted an unexpected keyword argument`);
      }
      return bad.length ? fail(bad.join("; ")) : pass(`${names.length} methods refused bad arguments`);
    },
  },
  {
    id: "abandoned-request",
    title: "The device answers after a client walked away from a request",
    async run(ctx) {
      await ctx.probe.abandon({ event: RpcEvent.getInventory });
      const answer = await ctx.probe.ask({ event: RpcEvent.getInventory });
      return timedOut(answer) ? fail("no answer after an abandoned request") : pass("answered");
    },
  },
  {
    id: "signals-once",
    title: "With two clients subscribed, each emission arrives once at each",
    async run(ctx) {
      if (!ctx.inventory) return NO_INVENTORY;
      if (ctx.inventory.signals.length === 0) return skip("no signals");
      const a = await ctx.probe.subscribe();
      const b = await ctx.probe.subscribe();
      if (!a || !b) return fail("INIT_SIGNALS_HANDLING did not give a signal port");
      if (ctx.options.destructive) await changeProperties(ctx);
      await sleep(ctx.options.observeMs ?? 1500);
      const seen = Math.max(a.received.length, b.received.length);
      if (seen === 0) {
        return skip(
          ctx.options.destructive
            ? "no signal arrived, even when properties changed"
            : "no signal arrived while watching (--destructive changes properties to trigger notify signals)",
        );
      }
      const twice = duplicates(a.received) + duplicates(b.received);
      if (twice > 0) return referenceDefect(!!ctx.options.referenceCompatible, `${twice} emissions arrived twice`);
      return pass(`${a.received.length} and ${b.received.length} signals, none twice`);
    },
  },
  {
    id: "reply-keys",
    title: "Every reply so far carried exactly the keys the protocol defines",
    async run(ctx) {
      const problems = ctx.probe.replies.map((r) => replyKeyProblems(r.event, r.reply)).filter((p) => p !== undefined);
      return problems.length ? fail([...new Set(problems)].join("; ")) : pass(`${ctx.probe.replies.length} replies`);
    },
  },
  {
    id: "registry",
    title: "Registered under the name and address the device reports",
    async run(ctx) {
      const registry = ctx.options.registry;
      if (!registry) return skip("no --registry given");
      if (!ctx.inventory) return NO_INVENTORY;
      if (!ctx.inventory.name) return fail("the device reports no name: it does not believe it is registered");
      let devices: Record<string, { addr: string }>;
      try {
        devices = await listDevices(registry, { timeout: ctx.probe.timeout });
      } catch (e) {
        return skip(`the registry does not list its devices (${(e as Error).message}); a Python registry cannot`);
      }
      const entry = devices[ctx.inventory.name];
      if (!entry) return fail(`no device named "${ctx.inventory.name}" in the registry`);
      return samePort(entry.addr, ctx.probe.url)
        ? pass(`"${ctx.inventory.name}" at ${entry.addr}`)
        : fail(`"${ctx.inventory.name}" is registered at ${entry.addr}, not ${ctx.probe.url}`);
    },
  },
  ...CALL_CHECKS,
  {
    id: "properties-set",
    title: "Numeric properties take a new value, read back, notify at most once per change, and are restored",
    destructive: true,
    async run(ctx) {
      if (!ctx.inventory) return NO_INVENTORY;
      const done: string[] = [];
      const bad: string[] = [];
      const notified: string[] = [];
      let repeated = "";
      const watcher = ctx.inventory.signals.length ? await ctx.probe.subscribe() : undefined;
      for (const name of ctx.inventory.properties) {
        const value = await numericValue(ctx, name);
        if (value === undefined) continue;
        const set = await ctx.probe.ask({ event: RpcEvent.propertySet, property: name, value: value + 1 });
        if (timedOut(set)) {
          bad.push(`${name}: no answer to PROPERTY_SET`);
          continue;
        }
        if (isError(set.body)) continue; // read-only: refused, as it should be
        const now = await numericValue(ctx, name);
        if (now !== value + 1) bad.push(`${name}: set to ${value + 1}, reads ${JSON.stringify(now)}`);
        await sleep(200);
        const notes = watcher?.received.filter((r) => Array.isArray(r.args) && r.args[0] === value + 1) ?? [];
        if (notes.length === 1) notified.push(`${name} by ${notes[0]!.signal}`);
        if (notes.length > 1) repeated = `${name}: ${notes.length} notify signals for one change`;
        await ctx.probe.ask({ event: RpcEvent.propertySet, property: name, value });
        done.push(name);
      }
      if (bad.length) return fail(bad.join("; "));
      if (repeated) return referenceDefect(!!ctx.options.referenceCompatible, repeated);
      if (!done.length) return skip("no writable numeric property");
      const notes = notified.length ? `; notified once: ${notified.join(", ")}` : "; no notify signal seen";
      return pass(`${done.join(", ")} set, read back and restored${notes}`);
    },
  },
  {
    id: "buffer-frames",
    title: "A buffer method's success is two frames: JSON info, then the bytes",
    destructive: true,
    async run(ctx) {
      if (!ctx.inventory) return NO_INVENTORY;
      const names = Object.keys(ctx.inventory.buffer_methods);
      if (names.length === 0) return skip("no buffer methods");
      const bad: string[] = [];
      let ok = 0;
      for (const method of names) {
        const answer = await ctx.probe.ask({ event: RpcEvent.methodCall, method, params: { args: [], kwargs: {} } });
        if (timedOut(answer)) bad.push(`${method}: no answer`);
        else if (isError(answer.body))
          continue; // needs arguments: nothing to judge
        else if (answer.frames.length !== 2) bad.push(`${method}: ${answer.frames.length} frames`);
        else ok++;
      }
      if (bad.length) return fail(bad.join("; "));
      return ok ? pass(`${ok} buffer methods answered two frames`) : skip("every buffer method needs arguments");
    },
  },
  {
    id: "malformed-request",
    title: "A request that is not JSON gets an error reply, and the device goes on serving",
    destructive: true,
    async run(ctx) {
      const answer = await ctx.probe.ask(new TextEncoder().encode("{this is not json"));
      const after = await ctx.probe.ask({ event: RpcEvent.getInventory });
      if (timedOut(after)) {
        ctx.gone = "the device stopped answering after the malformed request";
        return referenceDefect(
          !!ctx.options.referenceCompatible,
          "the device stopped answering after a malformed request",
        );
      }
      if (timedOut(answer)) return fail("no reply to the malformed request (but still serving)");
      return isError(answer.body) ? pass("error reply, still serving") : fail(`answered ${describe(answer.body)}`);
    },
  },
  {
    id: "stop-server",
    title: "STOP_SERVER is acknowledged, then the device stops answering",
    destructive: true,
    async run(ctx) {
      const answer = await ctx.probe.ask({ event: RpcEvent.stopServer });
      if (timedOut(answer)) return fail("no answer");
      if ((answer.body as { success?: unknown })?.success !== true) return fail(`answered ${describe(answer.body)}`);
      const after = await ctx.probe.ask({ event: RpcEvent.getInventory }, "json", Math.min(ctx.probe.timeout, 1000));
      return timedOut(after) ? pass("acknowledged, then silent") : fail("still answering after STOP_SERVER");
    },
  },
];

/** What can be read from an inventory, defects and all; undefined when nothing can. */
function usable(body: unknown): Inventory | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const table = (v: unknown) =>
    (typeof v === "object" && v !== null && !Array.isArray(v) ? v : {}) as Record<string, number | null>;
  const names = (v: unknown) => (Array.isArray(v) ? v.filter((n): n is string => typeof n === "string") : []);
  return {
    json_methods: table(b.json_methods),
    buffer_methods: table(b.buffer_methods),
    signals: names(b.signals),
    properties: names(b.properties),
    name: typeof b.name === "string" ? b.name : "",
    plantrpc: b.plantrpc as Inventory["plantrpc"],
  };
}

/** Sets each numeric property to one more, then back: each change should notify once. */
async function changeProperties(ctx: Context): Promise<void> {
  for (const name of ctx.inventory!.properties) {
    const value = await numericValue(ctx, name);
    if (value === undefined) continue;
    await ctx.probe.ask({ event: RpcEvent.propertySet, property: name, value: value + 1 });
    await ctx.probe.ask({ event: RpcEvent.propertySet, property: name, value });
  }
}

/** A property's value when it answers with a number (the only kind the checks change). */
async function numericValue(ctx: Context, name: string): Promise<number | undefined> {
  const got = await ctx.probe.ask({ event: RpcEvent.propertyGet, property: name });
  const value = timedOut(got) ? undefined : (got.body as { value?: unknown })?.value;
  return typeof value === "number" ? value : undefined;
}

/** Identical signals within 5 ms of each other: one emission published twice. */
function duplicates(received: readonly ReceivedSignal[]): number {
  let n = 0;
  for (let i = 1; i < received.length; i++) {
    const [prev, cur] = [received[i - 1]!, received[i]!];
    const same = cur.signal === prev.signal && JSON.stringify(cur.args) === JSON.stringify(prev.args);
    if (same && cur.at - prev.at < 5) n++;
  }
  return n;
}

function samePort(a: string, b: string): boolean {
  return /:(\d+)$/.exec(a)?.[1] === /:(\d+)$/.exec(b)?.[1];
}

function describe(body: unknown): string {
  const text = JSON.stringify(body) ?? String(body);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

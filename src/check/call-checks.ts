/**
 * The checks of the call extension (protocol-spec/rpc.md, section 8), for a device that
 * announces it: its inventory says it well, a stream refuses a reference-style call, CANCEL and
 * STREAM_CREDIT of an unknown call are answered by nothing and wedge nothing, and (with
 * --destructive, since a stream may move things) a stream honours its window and stops on CANCEL.
 */
import { Buffer } from "node:buffer";
import { decodeBody, encodeBody } from "../common/codec.js";
import { CALL_FEATURES, interimKind } from "../rpc/call-messages.js";
import { RpcEvent } from "../rpc/protocol.js";
import type { Check, Context } from "./check-types.js";
import { fail, type Outcome, pass, skip } from "./outcome.js";

/** The call features and stream methods a device announces; undefined when it announces none. */
function announced(ctx: Context): { calls: string[]; streams: Record<string, number | null> } | undefined {
  const key = ctx.inventory?.plantrpc;
  if (!key?.calls) return undefined;
  return { calls: key.calls, streams: key.streams ?? {} };
}

const NOT_ANNOUNCED = skip("the device does not announce the call extension (plantrpc.calls)");

/** What is wrong with how the extension is announced. */
function announcementProblems(ctx: Context): string[] {
  const key = ctx.inventory?.plantrpc as Record<string, unknown> | undefined;
  const problems: string[] = [];
  const calls = key?.calls;
  if (!Array.isArray(calls) || !calls.every((c) => typeof c === "string")) return ["calls is not a list of names"];
  const unknown = calls.filter((c) => !(CALL_FEATURES as readonly string[]).includes(c));
  if (unknown.length) problems.push(`unknown features ${JSON.stringify(unknown)}`);
  const streams = key?.streams;
  if (streams === undefined) return problems;
  if (typeof streams !== "object" || streams === null || Array.isArray(streams))
    return [...problems, "streams is not an object"];
  if (!calls.includes("stream")) problems.push("streams listed, but calls does not offer stream");
  for (const [name, timeout] of Object.entries(streams)) {
    if (timeout !== null && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
      problems.push(`streams.${name}: timeout ${JSON.stringify(timeout)} is neither a positive integer nor null`);
    }
    if (!(name in (ctx.inventory?.json_methods ?? {})))
      problems.push(`stream ${name} is not listed among json_methods`);
  }
  return problems;
}

/** A request with a request id of its own, on a DEALER, as a plantrpc client sends it. */
function framed(id: number, body: object): [Buffer, Buffer, Buffer] {
  const frame = Buffer.alloc(4);
  frame.writeUInt32BE(id);
  return [frame, Buffer.alloc(0), encodeBody(body, "json")];
}

export const CALL_CHECKS: readonly Check[] = [
  {
    id: "call-extension",
    title: "The call extension is announced well (known features; streams listed with timeouts)",
    async run(ctx) {
      if (!ctx.inventory) return skip("no inventory to go by");
      const offer = announced(ctx);
      if (!offer) return NOT_ANNOUNCED;
      const problems = announcementProblems(ctx);
      if (problems.length) return fail(problems.join("; "));
      return pass(`${offer.calls.join(", ")}; ${Object.keys(offer.streams).length} stream method(s)`);
    },
  },
  {
    id: "stream-refused",
    title: "A stream called as a reference client would gets a failure reply, not a wedged socket",
    async run(ctx) {
      const offer = announced(ctx);
      if (!offer) return NOT_ANNOUNCED;
      const name = Object.keys(offer.streams)[0];
      if (name === undefined) return skip("no stream method");
      const answer = await ctx.probe.ask({
        event: RpcEvent.methodCall,
        method: name,
        params: { args: [], kwargs: {} },
      });
      if ("timedOut" in answer) return fail(`no answer to a METHOD_CALL of ${name}`);
      const body = answer.body as { success?: unknown; error?: unknown } | undefined;
      if (body?.success !== false) return fail(`${name} ran as an ordinary method: ${JSON.stringify(body)}`);
      return pass(`${name}: "${String(body.error)}"`);
    },
  },
  {
    id: "cancel-unknown",
    title: "CANCEL and STREAM_CREDIT of an unknown call get no reply, and the device answers on",
    async run(ctx) {
      if (!announced(ctx)) return NOT_ANNOUNCED;
      const dealer = ctx.probe.dealer();
      try {
        await dealer.send(framed(1, { event: RpcEvent.cancel, request: 0xffff_fff0 }));
        await dealer.send(framed(2, { event: RpcEvent.streamCredit, request: 0xffff_fff0, credit: 4 }));
        await dealer.send(framed(3, { event: RpcEvent.getInventory }));
        const [id] = await dealer.receive();
        const replied = id?.readUInt32BE(0);
        if (replied !== 3) return fail(`request ${replied} was answered`);
        return pass("no reply to either; GET_INVENTORY answered after them");
      } catch (e) {
        return fail(`no answer after them: ${(e as Error).message}`);
      } finally {
        dealer.close();
      }
    },
  },
  {
    id: "stream-window",
    title: "A stream sends no more than its window before credit, and stops on CANCEL",
    destructive: true,
    async run(ctx) {
      const offer = announced(ctx);
      if (!offer) return NOT_ANNOUNCED;
      const name = Object.keys(offer.streams)[0];
      if (name === undefined) return skip("no stream method");
      return streamWindow(ctx, name);
    },
  },
];

/** Reads a stream with a window of 2 and no credit: at most 2 items; then CANCEL ends it. */
async function streamWindow(ctx: Context, name: string): Promise<Outcome> {
  const dealer = ctx.probe.dealer();
  const quiet = Math.min(ctx.probe.timeout, 500);
  try {
    const call = {
      event: RpcEvent.methodCall,
      method: name,
      params: { args: [], kwargs: {} },
      plantrpc: { stream: { window: 2 } },
    };
    await dealer.send(framed(7, call));
    let items = 0;
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await dealer.receive({ timeout: items >= 2 ? quiet : ctx.probe.timeout });
      } catch {
        if (items === 0) return fail(`no item and no reply within ${ctx.probe.timeout} ms`);
        break; // quiet with its window sent: as it should be
      }
      if (interimKind(frames[2]) === undefined) {
        const reply = decodeBody(frames[2]!) as { success?: unknown; error?: unknown };
        if (items > 2) return fail(`${items} items with a window of 2`);
        return reply?.success === false
          ? pass(`${name} (no arguments) ended with a failure reply after ${items} item(s): "${String(reply.error)}"`)
          : pass(`${name} ended after ${items} item(s), within its window`);
      }
      if (++items > 2) return fail("more items than the window of 2 before any credit");
    }
    await dealer.send(framed(8, { event: RpcEvent.cancel, request: 7 }));
    try {
      const frames = await dealer.receive({ timeout: ctx.probe.timeout });
      if (interimKind(frames[2]) !== undefined) return fail("items went on after CANCEL");
    } catch {
      // No final reply after CANCEL is allowed (section 8.3).
    }
    return pass(`${name}: 2 items, then quiet until credit; CANCEL ended it`);
  } finally {
    dealer.close();
  }
}

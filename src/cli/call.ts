// `plantrpc call`: a method's result (a buffer's bytes to --out), the progress it reports as it
// goes (on stderr, so that stdout holds the result), or a stream's items as they come, until the
// stream ends, --count items, or Ctrl-C (which stops the device's work too).
import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import type { BufferResult, RPCClient } from "../rpc/index.js";
import { type Parsed, UsageError } from "./args.js";
import { CLIENT_SECURITY, type Command, jsonArg, need, type Output, pretty, timeoutOf, withClient } from "./command.js";
import { inline, terminalSafe } from "./terminal.js";

export const CALL_COMMAND: Command = {
  usage: "call <url> <method> [json-arg ...] [--kwargs '{...}'] [--out file] [--count n] [--timeout ms]",
  flags: ["kwargs", "out", "count", ...CLIENT_SECURITY],
  help:
    "Call a method. Each argument is JSON (a bare word is a string). A buffer result goes to --out; " +
    "progress goes to stderr; a stream prints each item as it comes (buffers to --out, numbered), " +
    "until it ends, --count items, or Ctrl-C.",
  async run(p, out) {
    const [url, method, ...rest] = need(p, 2, this.usage);
    const kwargsText = p.flags.get("kwargs");
    const kwargs = typeof kwargsText === "string" ? jsonArg(kwargsText) : {};
    if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs))
      throw new UsageError("--kwargs takes a JSON object");
    await withClient(url!, p, async (c) => {
      const call: Call = {
        c,
        method: method!,
        args: rest.map(jsonArg),
        kwargs: kwargs as Record<string, unknown>,
        p,
        out,
      };
      await (Object.hasOwn(c.inventory.plantrpc?.streams ?? {}, method!) ? readStream(call) : callOnce(call));
    });
  },
};

/** What the command line asked: the client, the method, its arguments, the flags, the output. */
interface Call {
  c: RPCClient;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  p: Parsed;
  out: Output;
}

/** One call: its result, its progress on stderr as it comes. */
async function callOnce({ c, method, args, kwargs, p, out }: Call): Promise<void> {
  const isBuffer = method in c.inventory.buffer_methods;
  const target = p.flags.get("out");
  if (isBuffer && typeof target !== "string") {
    throw new UsageError(`${method} returns binary data: give --out <file> to save it`);
  }
  const timeout = timeoutOf(p);
  const onProgress = (value: unknown) =>
    console.error(out.json ? JSON.stringify({ progress: value }) : terminalSafe(`progress: ${inline(value)}`));
  const stop = interruptions();
  try {
    const result = await c.call<BufferResult>(method, args, kwargs, {
      ...(timeout ? { timeout } : {}),
      signal: stop.signal,
      onProgress,
    });
    if (isBuffer) {
      writeFileSync(target as string, result.buffer);
      out.result(
        { out: target, bytes: result.buffer.length, info: result.info },
        () => `${result.buffer.length} bytes written to ${target}\ninfo: ${pretty(result.info)}`,
      );
    } else {
      out.result({ result }, () => pretty(result));
    }
  } finally {
    stop.release();
  }
}

/** A stream: each item on a line of its own (buffers written to numbered files). */
async function readStream({ c, method, args, kwargs, p, out }: Call): Promise<void> {
  const countText = p.flags.get("count");
  const count = countText === undefined ? Number.POSITIVE_INFINITY : Number(countText);
  if (!(count > 0 && (Number.isInteger(count) || count === Number.POSITIVE_INFINITY))) {
    throw new UsageError("--count takes a positive number of items");
  }
  const target = p.flags.get("out");
  const timeout = timeoutOf(p);
  const stop = interruptions();
  let read = 0;
  try {
    for await (const item of c.stream(method, args, kwargs, { ...(timeout ? { timeout } : {}), signal: stop.signal })) {
      if (isBufferItem(item)) {
        if (typeof target !== "string")
          throw new UsageError(`${method} streams binary data: give --out <file> to save it`);
        const file = numbered(target, read);
        writeFileSync(file, item.buffer);
        out.result(
          { out: file, bytes: item.buffer.length, info: item.info },
          () => `${file}: ${item.buffer.length} bytes ${inline(item.info)}`,
        );
      } else {
        out.result({ item }, () => inline(item));
      }
      if (++read >= count) break;
    }
  } catch (e) {
    if (!stop.signal.aborted) throw e; // Ctrl-C: the items so far were the point
  } finally {
    stop.release();
  }
}

/** Ctrl-C (or SIGTERM) as an abort signal, so that the device's work stops too. */
function interruptions(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const interrupted = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  return {
    signal: controller.signal,
    release() {
      process.off("SIGINT", interrupted);
      process.off("SIGTERM", interrupted);
    },
  };
}

function isBufferItem(item: unknown): item is BufferResult {
  return (
    typeof item === "object" &&
    item !== null &&
    (item as BufferResult).buffer instanceof Uint8Array &&
    typeof (item as BufferResult).info === "object"
  );
}

/** `frame.png` -> `frame-3.png`: one file per item of a buffer stream. */
function numbered(file: string, index: number): string {
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}-${index}${ext}`;
}

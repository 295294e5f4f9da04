/**
 * The rows of a device's methods in the dashboard: a call with JSON arguments, its progress as
 * it goes (a bar when the value says how far: a number from 0 to 1, or `{position|done, of}`)
 * and a Cancel button that stops the device's work (protocol-spec/rpc.md, section 8); a stream
 * with Start and Stop, its latest item shown (a PNG as a live image).
 */
import type { RPCClient } from "../../rpc/client.js";
import type { BufferResult } from "../../rpc/client-types.js";
import { button, el, isPng, messageOf, parse, show, showPng } from "./dom.js";

/** The arguments typed in a field: a JSON array, or one value. */
function argumentsOf(input: HTMLInputElement): unknown[] {
  const given = input.value ? parse(input.value) : [];
  return Array.isArray(given) ? given : [given];
}

function argumentsField(method: string): HTMLInputElement {
  return el("input", { placeholder: "arguments: JSON array, e.g. [1, 2]", "data-args": method }) as HTMLInputElement;
}

/** How far a progress value says the work is, from 0 to 1; undefined when it does not say. */
export function fraction(value: unknown): number | undefined {
  if (typeof value === "number") return value >= 0 && value <= 1 ? value : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  const { position, done, of } = value as Record<string, unknown>;
  const at = typeof position === "number" ? position : done;
  return typeof at === "number" && typeof of === "number" && of > 0 ? Math.min(1, Math.max(0, at / of)) : undefined;
}

export function methodRow(client: RPCClient, method: string, isBuffer: boolean): HTMLElement {
  const args = argumentsField(method);
  const out = el("div", { class: "result", "data-result": method });
  const bar = el("progress", { max: "1", hidden: "", "data-progress": method }) as HTMLProgressElement;
  let running: AbortController | undefined;
  const cancel = button("Cancel", () => running?.abort(new Error("cancelled")), {
    hidden: "",
    "data-cancel": method,
  });
  const call = async (): Promise<void> => {
    running?.abort(new Error("called again"));
    const controller = new AbortController();
    running = controller;
    out.className = "result";
    out.textContent = "…";
    bar.hidden = true;
    cancel.hidden = false;
    const onProgress = (value: unknown): void => {
      const f = fraction(value);
      if (f !== undefined) {
        bar.hidden = false;
        bar.value = f;
      }
      out.textContent = `… ${show(value)}`;
    };
    try {
      const result = await client.call(method, argumentsOf(args), {}, { signal: controller.signal, onProgress });
      out.replaceChildren();
      if (isBuffer) showBuffer(out, method, result as BufferResult);
      else out.append(show(result));
    } catch (e) {
      out.className = "result error";
      out.textContent = messageOf(e);
    } finally {
      if (running === controller) {
        running = undefined;
        cancel.hidden = true;
      }
    }
  };
  const name = el("td", { class: "name" }, method + (isBuffer ? " ▣" : ""));
  return el(
    "tr",
    {},
    name,
    el("td", {}, args, bar, out),
    el("td", {}, button("Call", call, { "data-call": method }), cancel),
  );
}

export function streamRow(client: RPCClient, method: string): HTMLElement {
  const args = argumentsField(method);
  const out = el("div", { class: "result", "data-result": method });
  const cell = el("td", {}, args, out);
  // Made with the first PNG: no empty image in the page before.
  let image: HTMLImageElement | undefined;
  let reading: AbortController | undefined;
  const stop = (): void => reading?.abort(new Error("stopped"));
  const start = async (): Promise<void> => {
    stop();
    const controller = new AbortController();
    reading = controller;
    out.className = "result";
    out.textContent = "…";
    let count = 0;
    try {
      for await (const item of client.stream(method, argumentsOf(args), {}, { signal: controller.signal })) {
        count++;
        const buffer = item as BufferResult;
        if (buffer?.buffer instanceof Uint8Array && isPng(buffer.buffer)) {
          if (!image) {
            image = el("img", { class: "frame", alt: method, "data-stream-image": method }) as HTMLImageElement;
            cell.append(image);
          }
          showPng(image, buffer.buffer);
          out.textContent = `#${count} ${show(buffer.info)}`;
        } else out.textContent = `#${count} ${show(item)}`;
      }
      out.textContent += " (ended)";
    } catch (e) {
      if (!controller.signal.aborted) {
        out.className = "result error";
        out.textContent = messageOf(e);
      }
    }
  };
  const name = el("td", { class: "name" }, `${method} ⟳`);
  return el(
    "tr",
    {},
    name,
    cell,
    el("td", {}, button("Start", start, { "data-start": method }), button("Stop", stop, { "data-stop": method })),
  );
}

function showBuffer(out: HTMLElement, method: string, result: BufferResult): void {
  out.append(`${show(result.info)} · ${result.buffer.length} bytes`);
  if (!isPng(result.buffer)) return;
  const image = el("img", { class: "frame", alt: method }) as HTMLImageElement;
  showPng(image, result.buffer);
  out.append(el("br"), image);
}

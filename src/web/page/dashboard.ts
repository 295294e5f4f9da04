/**
 * The dashboard's script, run in the page (bundled by scripts/build-browser.mjs into
 * dist/browser/dashboard.js and served from the dashboard's own origin, so that its
 * Content-Security-Policy can say `script-src 'self'`). It lists the registry's devices through
 * the gateway (LIST, every second), and for each shows its inventory, property values (set in
 * place), method calls with JSON arguments (their progress, and Cancel), buffer results (PNG
 * images shown), streams (a PNG stream as a live image) and its signals.
 *
 * Everything a device sends (names, docs, values, signal arguments, buffer info) is shown as
 * text: nodes are built with createElement and given text, never HTML; an image is shown only
 * from bytes that are a PNG, through a blob: URL of our making.
 */
import { listDevices } from "../../registry/client.js";
import type { DeviceEntry } from "../../registry/protocol.js";
import { RPCClient } from "../../rpc/client.js";
import { button, el, messageOf, parse, show } from "./dom.js";
import { methodRow, streamRow } from "./method-rows.js";

/** What the server put in the page: the gateway's port and the token (meta elements). */
function setting(name: string): string {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") ?? "";
}

const gatewayPort = setting("plantrpc-gateway-port");
const token = setting("plantrpc-token");
const gateway = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.hostname}:${gatewayPort}`;
const query = token ? `?token=${encodeURIComponent(token)}` : "";

interface Card {
  addr: string;
  close(): void;
}

const cards = new Map<string, Card>();
const main = document.getElementById("devices")!;
const status = document.getElementById("status")!;

async function refresh(): Promise<void> {
  let devices: Record<string, DeviceEntry>;
  try {
    devices = await listDevices(`${gateway}/registry${query}`, { timeout: 2000 });
    status.textContent = `${Object.keys(devices).length} device(s) via ${gateway}`;
  } catch (e) {
    status.textContent = `registry unreachable: ${messageOf(e)}`;
    return;
  }
  for (const [name, card] of cards) {
    if (devices[name]?.addr === card.addr) continue;
    card.close();
    cards.delete(name);
  }
  for (const [name, device] of Object.entries(devices)) {
    if (!cards.has(name)) cards.set(name, openCard(name, device));
  }
  if (cards.size === 0) main.replaceChildren(el("p", { class: "empty" }, "No device registered."));
  else main.querySelector(".empty")?.remove();
}

function openCard(name: string, device: DeviceEntry): Card {
  const section = el(
    "section",
    { class: "device", "data-device": name },
    el("h2", {}, name),
    el("div", { class: "meta" }, `${device.type} · ${device.addr}`),
  );
  main.append(section);
  let client: RPCClient | undefined;
  let closed = false;
  RPCClient.connect(`${gateway}/${encodeURIComponent(name)}${query}`, { timeout: 3000 }).then(
    (c) => {
      if (closed) return c.close();
      client = c;
      fill(section, c);
    },
    (e: unknown) => section.append(el("p", { class: "error" }, `cannot reach: ${messageOf(e)}`)),
  );
  return {
    addr: device.addr,
    close: () => {
      closed = true;
      client?.close();
      section.remove();
    },
  };
}

function fill(section: HTMLElement, client: RPCClient): void {
  const inventory = client.inventory;
  const values = new Map<string, HTMLElement>();
  const readAll = (): void => {
    for (const [property, cell] of values) {
      client.getProperty(property).then(
        (v) => {
          cell.textContent = show(v);
        },
        (e: unknown) => {
          cell.textContent = messageOf(e);
        },
      );
    }
  };
  if (inventory.properties.length) {
    const rows = inventory.properties.map((p) => propertyRow(client, p, values, readAll));
    section.append(el("h3", {}, "Properties"), el("table", {}, ...rows));
    readAll();
  }
  // Stream methods are listed among the JSON methods too (for reference clients): shown apart.
  const streams = Object.keys(inventory.plantrpc?.streams ?? {});
  const methods: Array<[string, boolean]> = [
    ...Object.keys(inventory.json_methods)
      .filter((m) => !streams.includes(m))
      .map((m): [string, boolean] => [m, false]),
    ...Object.keys(inventory.buffer_methods).map((m): [string, boolean] => [m, true]),
  ];
  if (methods.length) {
    const rows = methods.map(([m, isBuffer]) => methodRow(client, m, isBuffer));
    section.append(el("h3", {}, "Methods"), el("table", {}, ...rows));
  }
  if (streams.length) {
    section.append(el("h3", {}, "Streams"), el("table", {}, ...streams.map((m) => streamRow(client, m))));
  }
  if (inventory.signals.length) {
    const log = el("ul", { class: "signals", "data-signals": "" });
    for (const s of inventory.signals) {
      client.signal(s).connect((...args: unknown[]) => {
        log.prepend(el("li", {}, `${new Date().toLocaleTimeString()}  ${s} ${show(args)}`));
        while (log.children.length > 50) log.lastChild?.remove();
        readAll();
      });
    }
    section.append(el("h3", {}, "Signals"), log);
  }
}

function propertyRow(
  client: RPCClient,
  property: string,
  values: Map<string, HTMLElement>,
  readAll: () => void,
): HTMLElement {
  const cell = el("td", { class: "value", "data-property": property });
  values.set(property, cell);
  const input = el("input", { placeholder: "new value (JSON)", "data-set": property }) as HTMLInputElement;
  const set = (): Promise<void> =>
    client.setProperty(property, parse(input.value)).then(
      () => {
        input.value = "";
        readAll();
      },
      (e: unknown) => {
        cell.textContent = messageOf(e);
      },
    );
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") void set();
  });
  return el(
    "tr",
    {},
    el("td", { class: "name" }, property),
    cell,
    el("td", {}, input),
    el("td", {}, button("Set", set)),
  );
}

void refresh();
setInterval(() => void refresh(), 1000);

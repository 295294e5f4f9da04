/**
 * The dashboard: one page, no framework. It loads the browser build from /plantrpc.js, lists the
 * registry's devices through the gateway (LIST, every second), and for each device shows its
 * inventory, property values (set in place), method calls with JSON arguments, buffer results
 * (PNG images shown), and its signals as they come.
 */
export function dashboardPage(gatewayPort: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plant Imager devices</title>
<style>
  :root { --fg: #1d2a1f; --muted: #66756a; --line: #dfe6e0; --accent: #2f7d4a; --bg: #f6f8f6; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; align-items: baseline; gap: 1rem; padding: 1rem 1.5rem; background: #fff;
    border-bottom: 1px solid var(--line); }
  header h1 { font-size: 1.2rem; margin: 0; }
  #status { color: var(--muted); }
  main { display: grid; gap: 1rem; padding: 1.5rem; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); }
  .device { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; }
  .device h2 { margin: 0 0 .2rem; font-size: 1.05rem; }
  .meta { color: var(--muted); font-size: .85rem; margin-bottom: .6rem; }
  h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: .9rem 0 .3rem; }
  table { width: 100%; border-collapse: collapse; }
  td { padding: .2rem .3rem; border-top: 1px solid var(--line); vertical-align: top; }
  td.name { width: 30%; font-family: ui-monospace, monospace; }
  td.value { font-family: ui-monospace, monospace; word-break: break-all; }
  input { font: inherit; width: 100%; padding: .15rem .3rem; border: 1px solid var(--line); border-radius: 4px; }
  button { font: inherit; padding: .15rem .7rem; border: 1px solid var(--accent); background: var(--accent);
    color: #fff; border-radius: 4px; cursor: pointer; }
  .result { font-family: ui-monospace, monospace; font-size: .85rem; color: var(--muted); word-break: break-all; }
  .error { color: #b3261e; }
  .signals { font-family: ui-monospace, monospace; font-size: .8rem; max-height: 9rem; overflow: auto;
    background: var(--bg); border-radius: 4px; padding: .3rem .5rem; margin: 0; list-style: none; }
  img.frame { max-width: 100%; margin-top: .4rem; border-radius: 4px; border: 1px solid var(--line); }
  .empty { color: var(--muted); padding: 2rem; }
</style>
</head>
<body>
<header><h1>Plant Imager devices</h1><span id="status">connecting…</span></header>
<main id="devices"><p class="empty">Waiting for the registry…</p></main>
<script type="module">
import { RPCClient, listDevices } from "/plantrpc.js";

const gateway = location.protocol.replace("http", "ws") + "//" + location.hostname + ":${gatewayPort}";
const cards = new Map();
const main = document.getElementById("devices");
const status = document.getElementById("status");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
const show = (v) => JSON.stringify(v);

async function refresh() {
  let devices;
  try {
    devices = await listDevices(gateway + "/registry", { timeout: 2000 });
    status.textContent = Object.keys(devices).length + " device(s) via " + gateway;
  } catch (e) {
    status.textContent = "registry unreachable: " + e.message;
    return;
  }
  for (const [name, card] of cards) {
    if (devices[name]?.addr === card.addr) continue;
    card.close();
    cards.delete(name);
  }
  for (const [name, d] of Object.entries(devices)) if (!cards.has(name)) cards.set(name, openCard(name, d));
  if (cards.size === 0) main.replaceChildren(el("p", { class: "empty" }, "No device registered."));
  else main.querySelector(".empty")?.remove();
}

function openCard(name, device) {
  const section = el("section", { class: "device", "data-device": name },
    el("h2", {}, name), el("div", { class: "meta" }, device.type + " · " + device.addr));
  main.append(section);
  let client;
  const card = { addr: device.addr, close: () => { client?.close(); section.remove(); } };
  RPCClient.connect(gateway + "/" + encodeURIComponent(name), { timeout: 3000 }).then(
    (c) => { client = c; fill(section, c); },
    (e) => section.append(el("p", { class: "error" }, "cannot reach: " + e.message)),
  );
  return card;
}

function fill(section, client) {
  const inv = client.inventory;
  const values = new Map();
  const readAll = () => { for (const [p, cell] of values) client.getProperty(p).then(
    (v) => { cell.textContent = show(v); }, (e) => { cell.textContent = e.message; }); };

  if (inv.properties.length) {
    const rows = inv.properties.map((p) => {
      const cell = el("td", { class: "value", "data-property": p });
      values.set(p, cell);
      const input = el("input", { placeholder: "new value (JSON)", "data-set": p });
      const set = () => client.setProperty(p, parse(input.value)).then(() => { input.value = ""; readAll(); },
        (e) => { cell.textContent = e.message; });
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") set(); });
      return el("tr", {}, el("td", { class: "name" }, p), cell, el("td", {}, input), el("td", {}, el("button", { onclick: set }, "Set")));
    });
    section.append(el("h3", {}, "Properties"), el("table", {}, ...rows));
    readAll();
  }

  const methods = [...Object.keys(inv.json_methods).map((m) => [m, false]), ...Object.keys(inv.buffer_methods).map((m) => [m, true])];
  if (methods.length) {
    const rows = methods.map(([m, buffer]) => {
      const args = el("input", { placeholder: "arguments: JSON array, e.g. [1, 2]", "data-args": m });
      const out = el("div", { class: "result", "data-result": m });
      const call = async () => {
        out.className = "result"; out.textContent = "…";
        try {
          const result = await client.call(m, args.value ? parse(args.value) : []);
          out.replaceChildren();
          if (buffer) {
            out.append(show(result.info) + " · " + result.buffer.length + " bytes");
            if (isPng(result.buffer)) {
              const url = URL.createObjectURL(new Blob([result.buffer], { type: "image/png" }));
              out.append(el("br"), el("img", { class: "frame", src: url, alt: m }));
            }
          } else out.append(show(result));
        } catch (e) { out.className = "result error"; out.textContent = e.message; }
      };
      return el("tr", {}, el("td", { class: "name" }, m + (buffer ? " ▣" : "")),
        el("td", {}, args, out), el("td", {}, el("button", { onclick: call, "data-call": m }, "Call")));
    });
    section.append(el("h3", {}, "Methods"), el("table", {}, ...rows));
  }

  if (inv.signals.length) {
    const log = el("ul", { class: "signals", "data-signals": "" });
    for (const s of inv.signals) client.signal(s).connect((...args) => {
      log.prepend(el("li", {}, new Date().toLocaleTimeString() + "  " + s + " " + show(args)));
      while (log.children.length > 50) log.lastChild.remove();
      readAll();
    });
    section.append(el("h3", {}, "Signals"), log);
  }
}

function parse(text) { try { return JSON.parse(text); } catch { return text; } }
function isPng(b) { return b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47; }

refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
}

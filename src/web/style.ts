/** The dashboard's style sheet, served as /dashboard.css (the page's policy allows no inline style). */
export const DASHBOARD_CSS = `  :root { --fg: #1d2a1f; --muted: #66756a; --line: #dfe6e0; --accent: #2f7d4a; --bg: #f6f8f6; }
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
  progress { width: 100%; margin-top: .3rem; accent-color: var(--accent); }
  td button + button { margin-left: .3rem; }
  .signals { font-family: ui-monospace, monospace; font-size: .8rem; max-height: 9rem; overflow: auto;
    background: var(--bg); border-radius: 4px; padding: .3rem .5rem; margin: 0; list-style: none; }
  img.frame { max-width: 100%; margin-top: .4rem; border-radius: 4px; border: 1px solid var(--line); }
  .empty { color: var(--muted); padding: 2rem; }
`;

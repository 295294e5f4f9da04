/** The inventory as the protocol defines it (protocol-spec/rpc.md): what is wrong with `value`. */
export function inventoryProblems(value: unknown): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return ["not an object"];
  const inv = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ["json_methods", "buffer_methods"]) {
    const table = inv[key];
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      problems.push(`${key} missing or not an object`);
      continue;
    }
    for (const [name, timeout] of Object.entries(table)) {
      if (timeout !== null && !(Number.isInteger(timeout) && (timeout as number) > 0)) {
        problems.push(`${key}.${name}: timeout ${JSON.stringify(timeout)} is neither a positive integer nor null`);
      }
    }
  }
  for (const key of ["signals", "properties"]) {
    const list = inv[key];
    if (!Array.isArray(list) || !list.every((s) => typeof s === "string"))
      problems.push(`${key} missing or not a list of names`);
    else if (new Set(list).size !== list.length) problems.push(`${key} lists a name twice`);
  }
  if (typeof inv.name !== "string") problems.push("name missing or not a string");
  const known = new Set(["json_methods", "buffer_methods", "signals", "properties", "name", "plantrpc"]);
  for (const key of Object.keys(inv)) if (!known.has(key)) problems.push(`unexpected key "${key}"`);
  const json = Object.keys((inv.json_methods as object) ?? {});
  const buffer = new Set(Object.keys((inv.buffer_methods as object) ?? {}));
  for (const name of json) if (buffer.has(name)) problems.push(`${name} is both a JSON and a buffer method`);
  return problems;
}

/** The `plantrpc` key (protocol-spec/rpc.md, sections 6 and 7): what is wrong with it. */
export function plantrpcKeyProblems(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return ["not an object"];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!Number.isInteger(p.version)) problems.push("version is not an integer");
  if (!Array.isArray(p.encodings) || !p.encodings.includes("json")) problems.push("encodings does not list json");
  if (p.web !== undefined) {
    const web = p.web as Record<string, unknown>;
    for (const key of ["methods", "signals"]) {
      if (typeof web?.[key] !== "string" || !/^wss?:\/\//.test(web[key] as string))
        problems.push(`web.${key} is not a ws:// URL`);
    }
  }
  return problems;
}

/** The keys each reply may carry (protocol-spec/rpc.md, section 2). */
export function replyKeyProblems(event: string, reply: unknown): string | undefined {
  if (event === "GET_INVENTORY") return undefined; // checked on its own
  if (typeof reply !== "object" || reply === null) return `${event}: reply is not an object`;
  const keys = Object.keys(reply).sort().join(",");
  const r = reply as Record<string, unknown>;
  if (r.success === false) {
    // The reference's unknown-method reply has no traceback.
    return keys === "error,success,traceback" || keys === "error,success"
      ? undefined
      : `${event}: error reply with keys {${keys}}`;
  }
  const expected: Record<string, string> = {
    INIT_SIGNALS_HANDLING: "signal_port,success",
    METHOD_CALL: "result,success",
    PROPERTY_GET: "success,value",
    PROPERTY_SET: "success",
    STOP_SERVER: "success",
  };
  const want = expected[event];
  if (want === undefined || keys === want) return undefined;
  return `${event}: keys {${keys}}, expected {${want}}`;
}

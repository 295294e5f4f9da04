/**
 * Origins and host names as a WebSocket server's access rules name them (ws-access.ts), parsed
 * without any Node module, so that the option table can check them in a web page too.
 */

/**
 * An origin as browsers send it: `scheme://host[:port]`, lower case, without the scheme's default
 * port. "null" (sandboxed frames, file: pages) stays "null". Undefined when it is not an origin.
 */
export function normalizeOrigin(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "null") return "null";
  try {
    const url = new URL(trimmed);
    if (url.origin === "null" || url.pathname.length > 1 || url.search || url.hash) return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** A list of origins, as an option or a flag gives it (spaces or commas between), or "*". */
export function parseOrigins(text: string): Set<string> | "*" {
  const entries = splitList(text);
  if (entries.includes("*")) return "*";
  const origins = new Set<string>();
  for (const entry of entries) {
    const origin = normalizeOrigin(entry);
    if (origin === undefined) throw new TypeError(`"${entry}" is not an origin (scheme://host[:port])`);
    origins.add(origin);
  }
  return origins;
}

/** A list of host names (spaces or commas between); undefined for "*" (any host). */
export function parseHosts(text: string): Set<string> | undefined {
  const entries = splitList(text);
  if (entries.includes("*")) return undefined;
  return new Set(entries.map(hostName));
}

export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== "");
}

/**
 * The name in a `Host` header (or a bare host): no port, no IPv6 brackets, lower case. A trailing
 * dot stays: `localhost.` is another origin to the browser, which the page's rules do not name.
 */
export function hostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) {
    const end = name.indexOf("]");
    name = end < 0 ? name.slice(1) : name.slice(1, end);
  } else if (name.indexOf(":") === name.lastIndexOf(":")) {
    // One colon separates a port; several are a bare IPv6 address.
    name = name.replace(/:\d*$/, "");
  }
  return name;
}

import { hostname, networkInterfaces } from "node:os";

/**
 * Who may use a browser-facing command (the gateway, the dashboard): the host names its
 * requests may carry, the device addresses it may relay to, and its token.
 */

/** Names that always mean this machine to the browser on it. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

/** A wildcard bind: every interface. */
export function isWildcard(host: string): boolean {
  return host === "*" || host === "0.0.0.0" || host === "::" || host === "";
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The names and addresses a server bound on `bindHost` is reached by: the loopback names, the
 * bound address, and for a wildcard bind every interface's address and the machine's name
 * (plain and `.local`). A Host header naming anything else is a foreign name (DNS rebinding).
 */
export function localHostNames(bindHost: string): string[] {
  const names = new Set(LOOPBACK_NAMES);
  const bound = bindHost.replace(/^\[|\]$/g, "").toLowerCase();
  if (isWildcard(bound)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const entry of list ?? []) names.add(entry.address.toLowerCase().replace(/%.*$/, ""));
    }
    const name = hostname().toLowerCase();
    if (name) names.add(name).add(`${name}.local`);
  } else {
    names.add(bound);
  }
  return [...names];
}

/** A fresh token: 24 random octets, base64url (as Jupyter's, unguessable and URL-safe). */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * Device addresses a gateway may relay to: host names or IP addresses as written, and IPv4
 * ranges (`10.0.0.0/24`). undefined: any address that the registry lists.
 */
export class AddressFilter {
  private readonly exact = new Set<string>();
  private readonly ranges: Array<{ base: number; mask: number }> = [];

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = "", bits] = entry.trim().toLowerCase().split("/");
      if (bits === undefined) {
        this.exact.add(address.replace(/^\[|\]$/g, ""));
        continue;
      }
      const n = Number(bits);
      if (!isIPv4(address) || !/^\d+$/.test(bits) || n > 32) {
        throw new TypeError(`"${entry}" is not an address or an IPv4 range (10.0.0.0/24)`);
      }
      const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
      this.ranges.push({ base: (ipv4Number(address) & mask) >>> 0, mask });
    }
  }

  allows(host: string): boolean {
    const h = host.replace(/^\[|\]$/g, "").toLowerCase();
    if (this.exact.has(h)) return true;
    if (!isIPv4(h)) return false;
    const n = ipv4Number(h);
    return this.ranges.some((r) => (n & r.mask) >>> 0 === r.base);
  }
}

/**
 * A dotted quad as the system's resolver reads it too: no octet with a leading zero, which it
 * reads as octal (`010.0.0.1` is 8.0.0.1 to it, not 10.0.0.1).
 */
function isIPv4(address: string): boolean {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(address);
  return m?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

function ipv4Number(address: string): number {
  return address.split(".").reduce((n, octet) => ((n << 8) | Number(octet)) >>> 0, 0);
}

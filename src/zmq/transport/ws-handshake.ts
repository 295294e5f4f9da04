import { createHash } from "node:crypto";

/** RFC 6455's constant, joined to the client's key to prove the server read it. */
export const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Longest HTTP head accepted either way; anything longer is not a WebSocket handshake. */
export const MAX_HEAD = 16384;

export function acceptKey(key: string): string {
  return createHash("sha1")
    .update(key + ACCEPT_GUID)
    .digest("base64");
}

/** An HTTP head: its first line and its header fields (names in lower case). */
export function parseHead(head: string): { firstLine: string; headers: Map<string, string> } {
  const [firstLine = "", ...lines] = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Repeated fields join with commas (RFC 9110, 5.3): protocols may come in several lines.
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return { firstLine, headers };
}

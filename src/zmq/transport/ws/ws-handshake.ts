import { Buffer } from "node:buffer";
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

const END_OF_HEAD = Buffer.from("\r\n\r\n");

/**
 * Gathers an HTTP head from chunks as they come, in linear time whatever their sizes (a head
 * sent an octet at a time is searched once, not once per octet), and never past MAX_HEAD.
 */
export class HeadReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  /**
   * The head (without its blank line) and the octets after it once complete; "too large" when
   * the head is longer than MAX_HEAD (complete or not); undefined while it is still coming.
   */
  push(chunk: Buffer): { head: string; rest: Buffer } | "too large" | undefined {
    // The end may straddle chunks: look at the last three octets before this one first.
    let end = -1;
    const carry = Math.min(3, this.size);
    if (carry > 0) {
      const i = Buffer.concat([lastOctets(this.chunks, carry), chunk.subarray(0, 3)]).indexOf(END_OF_HEAD);
      if (i >= 0) end = this.size - carry + i;
    }
    if (end < 0) {
      const i = chunk.indexOf(END_OF_HEAD);
      if (i >= 0) end = this.size + i;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Without its end, the last three octets may be the start of it.
    if (end < 0) return this.size - 3 > MAX_HEAD ? "too large" : undefined;
    if (end > MAX_HEAD) return "too large";
    const all = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.size);
    return { head: all.toString("latin1", 0, end), rest: all.subarray(end + 4) };
  }
}

/** The last `n` octets of what `chunks` hold (n no more than their total). */
function lastOctets(chunks: readonly Buffer[], n: number): Buffer {
  const out = Buffer.alloc(n);
  let at = n;
  for (let i = chunks.length - 1; at > 0; i--) {
    const c = chunks[i]!;
    const take = Math.min(at, c.length);
    c.copy(out, at - take, c.length - take);
    at -= take;
  }
  return out;
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

import { Buffer } from "node:buffer";

/**
 * Parts copied together into memory of their own, for what is handed out as received data (or
 * as views of it): never Buffer's shared pool (Buffer.concat's below 4 KiB), whose `.buffer`
 * reaches whatever else the process put there (another connection's frames, a PLAIN password).
 */
export function joined(parts: readonly Uint8Array[], size?: number): Buffer {
  const out = Buffer.allocUnsafeSlow(size ?? parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

import { Buffer } from "node:buffer";

/** n octets of i % 251: the test payload every peer (TypeScript and Python) produces and checks. */
export function patternBytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
}

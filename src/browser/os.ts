/** node:os in a web page: no system error numbers (ZmqError falls back to libzmq's own). */
export const constants = { errno: {} as Record<string, number> };

/** A page has no interfaces or name of its own (the gateway, which asks, cannot run in one). */
export function networkInterfaces(): Record<string, never[]> {
  return {};
}

export function hostname(): string {
  return "";
}

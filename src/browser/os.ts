/** node:os in a web page: no system error numbers (ZmqError falls back to libzmq's own). */
export const constants = { errno: {} as Record<string, number> };

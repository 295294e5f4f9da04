import { REPLY_KEYS, RpcEvent } from "../rpc/protocol.js";

/** The keys each reply may carry (protocol-spec/rpc.md, section 2): what is wrong, if anything. */
export function replyKeyProblems(event: string, reply: unknown): string | undefined {
  if (event === RpcEvent.getInventory) return undefined; // checked on its own
  if (typeof reply !== "object" || reply === null) return `${event}: reply is not an object`;
  const keys = Object.keys(reply).sort().join(",");
  const r = reply as Record<string, unknown>;
  if (r.success === false) {
    // The reference's unknown-method reply has no traceback.
    return keys === "error,success,traceback" || keys === "error,success"
      ? undefined
      : `${event}: error reply with keys {${keys}}`;
  }
  const want = REPLY_KEYS[event]?.join(",");
  if (want === undefined || keys === want) return undefined;
  return `${event}: keys {${keys}}, expected {${want}}`;
}

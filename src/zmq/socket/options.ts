import { ZmqError } from "../errors.js";

/** Options shared by every socket type; each can also be set as a property. */
export interface SocketOptions {
  /** Messages queued per peer before sending blocks or drops (per type). 0 = no limit. */
  sendHighWaterMark?: number;
  /** Messages queued per peer before we stop reading from it. 0 = no limit. */
  receiveHighWaterMark?: number;
  /** ms to keep flushing queued messages after close(); -1 = until written, 0 = drop. */
  linger?: number;
  /** Our identity, announced to ROUTER peers. */
  routingId?: string | Uint8Array | null;
  /** Largest frame accepted from a peer, in octets; -1 = no limit. */
  maxMessageSize?: number;
  /** ms between PINGs we send; 0 = none. */
  heartbeatInterval?: number;
  /** ms of silence after which a peer is dropped; -1 = heartbeatInterval. */
  heartbeatTimeout?: number;
  /** TTL announced in our PINGs, ms (rounded to tenths of a second). */
  heartbeatTimeToLive?: number;
  /** ms before reconnecting; -1 = never reconnect. */
  reconnectInterval?: number;
  /** Upper bound for the exponential reconnect backoff, ms; 0 = no backoff. */
  reconnectMaxInterval?: number;
  /** ms allowed for greeting and handshake; 0 = unbounded. */
  handshakeInterval?: number;
  /** ms a send may wait for room; -1 = forever, 0 = fail at once with EAGAIN. */
  sendTimeout?: number;
  /** ms a receive may wait; -1 = forever. */
  receiveTimeout?: number;
  /** Queue messages only to peers whose handshake is complete. */
  immediate?: boolean;
}

/** Options that take milliseconds or counts, where -1 means "none" or "forever". */
const MINUS_ONE_ALLOWED = new Set(["linger", "maxMessageSize", "heartbeatTimeout", "reconnectInterval", "sendTimeout", "receiveTimeout"]);

/** Throws EINVAL when `value` does not fit the option (judged by its current value's type). */
export function checkOption(key: string, value: unknown, currentType: string): void {
  if (key === "routingId") return; // checked by its setter
  if (currentType === "boolean") {
    if (typeof value !== "boolean") throw new ZmqError("EINVAL", `option ${key} must be true or false`);
    return;
  }
  if (currentType === "number") {
    const min = MINUS_ONE_ALLOWED.has(key) ? -1 : 0;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw new ZmqError("EINVAL", `option ${key} must be an integer >= ${min}, not ${JSON.stringify(value)}`);
    }
  }
}


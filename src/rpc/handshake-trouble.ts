// Why a client that never completed a handshake hears nothing: what its socket's handshake
// events said, put in words for the timeout that ends its requests (a wrong CURVE server key
// otherwise shows only as "no reply").
import type { SocketEvent } from "../zmq/index.js";

/**
 * The words for a failed handshake event, given whether the client uses CURVE; undefined for
 * events that say nothing of use here.
 */
export function handshakeTrouble(event: SocketEvent, curve: boolean): string | undefined {
  if (event.type === "handshake:error:protocol") {
    const code = event.error.code;
    if (code === "ERR_ZMTP_MECHANISM_MISMATCH")
      return `the handshake failed: the device's security is not ours (${curve ? "it does not use CURVE?" : "it uses CURVE or PLAIN?"})`;
    return `the handshake failed (${code})`;
  }
  if (event.type !== "handshake:error:other") return undefined;
  const code = event.error.code;
  if (code === "EPIPE" || code === "ECONNRESET") {
    // A CURVE server that cannot open our HELLO closes the connection without a word.
    return curve
      ? "the device ended each connection during the CURVE handshake (is serverKey the device's public key?)"
      : "the device ended each connection during the handshake";
  }
  if (code === "ETIMEDOUT") return "the handshake did not complete in time";
  return `the handshake failed (${code})`;
}

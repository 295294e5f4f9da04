// Why a client whose connection never completes its handshake hears nothing: what its socket's
// handshake events said, put in words for the timeout that ends its requests (a wrong CURVE
// server key otherwise shows only as "no reply").
import type { SocketEvent, SocketEvents } from "../zmq/index.js";
import { WATCH } from "../zmq/internal.js";

/**
 * Follows a client socket's events; the function returned gives what the last handshake
 * failure said, until a handshake completes, or until an attempt fails without connecting
 * (the device is then not there at all: its earlier words no longer hold).
 */
export function watchHandshakeTrouble(events: SocketEvents, curve: boolean): () => string | undefined {
  let trouble: string | undefined;
  let connectedSinceRetry = false;
  events[WATCH]("*", (event) => {
    switch (event.type) {
      case "handshake":
        trouble = undefined;
        return;
      case "connect":
        connectedSinceRetry = true;
        return;
      case "connect:retry":
        if (!connectedSinceRetry) trouble = undefined;
        connectedSinceRetry = false;
        return;
      default:
        trouble = handshakeTrouble(event, curve) ?? trouble;
    }
  });
  return () => trouble;
}

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
      ? "the device ended the connection during the CURVE handshake (is serverKey the device's public key?)"
      : "the device ended the connection during the handshake";
  }
  if (code === "ETIMEDOUT") return "the handshake did not complete in time";
  return `the handshake failed (${code})`;
}

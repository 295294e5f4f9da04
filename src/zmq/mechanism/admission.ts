import type { Buffer } from "node:buffer";
import { decodeErrorReason } from "../codec/command.js";
import { AuthError, ZmqError } from "../errors.js";
import type { HandshakeContext } from "./mechanism.js";
import type { ZapRequest } from "./zap.js";

/**
 * When a server asks the ZAP handler, as libzmq 4.3 decides it: PLAIN always; CURVE unless
 * zapEnforceDomain is set with no domain (encryption without authentication); NULL only when
 * the socket has a ZAP domain.
 */
export function zapApplies(context: HandshakeContext, mechanism: ZapRequest["mechanism"]): boolean {
  const hasDomain = (context.zapDomain ?? "") !== "";
  if (mechanism === "PLAIN") return true;
  if (mechanism === "CURVE") return hasDomain || !context.zapEnforceDomain;
  return hasDomain;
}

/**
 * Asks the ZAP handler; resolves when it admits the peer. With no handler bound: PLAIN refuses
 * (EFAULT, as libzmq 4.3); CURVE and NULL admit, unless zapEnforceDomain asks for a handler.
 */
export async function admit(
  context: HandshakeContext,
  mechanism: ZapRequest["mechanism"],
  credentials: Uint8Array[],
): Promise<void> {
  if (!zapApplies(context, mechanism)) return;
  const pending = context.zap?.({
    domain: context.zapDomain ?? "",
    address: context.peerAddress ?? "",
    identity: context.routingId ?? new Uint8Array(0),
    mechanism,
    credentials,
  });
  const reply = await pending;
  if (!reply) {
    if (mechanism !== "PLAIN" && !context.zapEnforceDomain) return;
    throw new ZmqError("EFAULT", `a ${mechanism} server needs a ZAP handler bound at inproc://zeromq.zap.01`);
  }
  if (reply.statusCode !== "200") throw new AuthError(Number(reply.statusCode) || 500, reply.statusText);
}

/**
 * The error for an ERROR command from the peer: a server that refused us after its ZAP
 * handler's answer gives the status code as the reason.
 */
export function refused(data: Buffer, mechanism: string): ZmqError {
  const reason = decodeErrorReason(data);
  if (/^[345]\d\d$/.test(reason)) return new AuthError(Number(reason), `the server refused us (ZAP status ${reason})`);
  return new ZmqError("EMECHANISM", `the peer refused the ${mechanism} handshake: ${reason || "(no reason)"}`);
}

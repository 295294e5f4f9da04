import type { Metadata } from "../codec/command.js";
import { ZmqError } from "../errors.js";
import { isCompatible, type SocketTypeName } from "./socket-types.js";

/** ZMTP 3 (RFC 23/37): a routing id is one to 255 octets. */
const MAX_IDENTITY = 255;

/**
 * Why a peer's READY (or INITIATE) metadata cannot be taken by a socket of type `ours`: a socket
 * type it does not talk to, or an identity longer than ZMTP allows; undefined when it can.
 */
export function metadataRefusal(ours: SocketTypeName, metadata: Metadata): ZmqError | undefined {
  const socketType = metadata.get("socket-type")?.toString("latin1") ?? "";
  if (!isCompatible(ours, socketType)) {
    return new ZmqError(
      "ESOCKTNOSUPPORT",
      `${ours} socket cannot talk to a ${socketType || "peer with no Socket-Type"}`,
      {
        zmtp: "ERR_ZMTP_INVALID_METADATA",
      },
    );
  }
  const identity = metadata.get("identity");
  if (identity && identity.length > MAX_IDENTITY) {
    return new ZmqError("EPROTO", `an Identity of ${identity.length} octets (ZMTP allows ${MAX_IDENTITY})`, {
      zmtp: "ERR_ZMTP_INVALID_METADATA",
    });
  }
  return undefined;
}

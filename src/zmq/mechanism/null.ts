import {
  decodeErrorReason,
  decodeMetadata,
  encodeCommandBody,
  encodeMetadata,
  type Command,
} from "../codec/command.js";
import { ProtocolError, ZmqError } from "../errors.js";
import type { HandshakeContext, HandshakeStep, Mechanism, MechanismFactory } from "./mechanism.js";

/** RFC 37's NULL mechanism: both sides send READY with their metadata, nothing else. */
class NullMechanism implements Mechanism {
  readonly name = "NULL";
  constructor(private readonly context: HandshakeContext) {}

  start() {
    return [encodeCommandBody("READY", encodeMetadata(this.context.metadata))];
  }

  handle(command: Command): HandshakeStep {
    if (command.name === "READY") return { send: [], peerMetadata: decodeMetadata(command.data) };
    if (command.name === "ERROR") {
      const reason = decodeErrorReason(command.data);
      throw new ZmqError("EMECHANISM", `peer refused the handshake: ${reason || "(no reason)"}`);
    }
    throw new ProtocolError("EPROTO", `unexpected ${command.name} command in the NULL handshake`);
  }
}

export const nullMechanism: MechanismFactory = {
  name: "NULL",
  asServer: () => false,
  create: (context) => new NullMechanism(context),
};

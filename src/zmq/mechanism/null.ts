import type { Buffer } from "node:buffer";
import { decodeMetadata, encodeCommandBody, encodeMetadata, type Command } from "../codec/command.js";
import { ProtocolError } from "../errors.js";
import { admit, refused, zapApplies } from "./admission.js";
import type { HandshakeContext, HandshakeStep, Mechanism, MechanismFactory } from "./mechanism.js";

/**
 * RFC 37's NULL mechanism: both sides send READY with their metadata, nothing else. A socket
 * with a ZAP domain first asks the ZAP handler (mechanism "NULL", no credentials), as libzmq
 * does, and sends READY, or ERROR with the status code, on its answer.
 */
class NullMechanism implements Mechanism {
  readonly name = "NULL";
  /** Our READY, once the ZAP handler (if any is asked) has admitted the peer. */
  private ready: Promise<Buffer[]> | undefined;

  constructor(private readonly context: HandshakeContext) {}

  start(): Buffer[] | Promise<Buffer[]> {
    const ready = [encodeCommandBody("READY", encodeMetadata(this.context.metadata))];
    if (!zapApplies(this.context, "NULL")) return ready;
    this.ready = admit(this.context, "NULL", []).then(() => ready);
    return this.ready;
  }

  handle(command: Command): HandshakeStep | Promise<HandshakeStep> {
    if (command.name === "READY") {
      const step = { send: [], peerMetadata: decodeMetadata(command.data) };
      // The peer's READY can come before the ZAP answer: the handshake ends after ours is sent.
      return this.ready === undefined ? step : this.ready.then(() => step);
    }
    if (command.name === "ERROR") throw refused(command.data, "NULL");
    throw new ProtocolError(
      "EPROTO",
      `unexpected ${command.name} command in the NULL handshake`,
      "ERR_ZMTP_UNEXPECTED_COMMAND",
    );
  }
}

export const nullMechanism: MechanismFactory = {
  name: "NULL",
  asServer: () => false,
  create: (context) => new NullMechanism(context),
};

import { Buffer } from "node:buffer";
import { type Command, decodeMetadata, encodeCommandBody, encodeMetadata } from "../codec/command.js";
import { ProtocolError, ZmqError } from "../errors.js";
import { admit, refused } from "./admission.js";
import type { HandshakeContext, HandshakeStep, Mechanism, MechanismFactory } from "./mechanism.js";

/** The credentials of a PLAIN client. */
export interface PlainCredentials {
  username: Uint8Array;
  password: Uint8Array;
}

/**
 * RFC 24's PLAIN mechanism: the client sends HELLO with a user name and password (in clear: use
 * it on trusted networks only), the server asks the ZAP handler and answers WELCOME or ERROR,
 * then INITIATE and READY carry each side's metadata. As in libzmq 4.3, a PLAIN server with no
 * ZAP handler admits no one.
 */
export function plainMechanism(
  role: { server: true } | { server: false; credentials: PlainCredentials },
): MechanismFactory {
  return {
    name: "PLAIN",
    asServer: () => role.server,
    create: (context) => (role.server ? new PlainServer(context) : new PlainClient(context, role.credentials)),
  };
}

class PlainClient implements Mechanism {
  readonly name = "PLAIN";
  private state: "hello" | "initiate" = "hello";

  constructor(
    private readonly context: HandshakeContext,
    private readonly credentials: PlainCredentials,
  ) {}

  start(): Buffer[] {
    return [encodeCommandBody("HELLO", encodeHello(this.credentials))];
  }

  handle(command: Command): HandshakeStep | Promise<HandshakeStep> {
    if (command.name === "ERROR") throw refused(command.data, "PLAIN");
    if (this.state === "hello" && command.name === "WELCOME") {
      if (command.data.length !== 0)
        throw new ProtocolError("EPROTO", "malformed PLAIN WELCOME", "ERR_ZMTP_MALFORMED_COMMAND_WELCOME");
      this.state = "initiate";
      return { send: [encodeCommandBody("INITIATE", encodeMetadata(this.context.metadata))] };
    }
    if (this.state === "initiate" && command.name === "READY") {
      return { send: [], peerMetadata: decodeMetadata(command.data) };
    }
    throw new ProtocolError(
      "EPROTO",
      `unexpected ${command.name} command in the PLAIN handshake`,
      "ERR_ZMTP_UNEXPECTED_COMMAND",
    );
  }
}

class PlainServer implements Mechanism {
  readonly name = "PLAIN";
  private state: "hello" | "initiate" = "hello";

  constructor(private readonly context: HandshakeContext) {}

  start(): Buffer[] {
    return [];
  }

  handle(command: Command): HandshakeStep | Promise<HandshakeStep> {
    if (command.name === "ERROR") throw refused(command.data, "PLAIN");
    if (this.state === "hello" && command.name === "HELLO") {
      const { username, password } = decodeHello(command.data);
      this.state = "initiate";
      return admit(this.context, "PLAIN", [username, password]).then(() => ({ send: [encodeCommandBody("WELCOME")] }));
    }
    if (this.state === "initiate" && command.name === "INITIATE") {
      const peerMetadata = decodeMetadata(command.data);
      return { send: [encodeCommandBody("READY", encodeMetadata(this.context.metadata))], peerMetadata };
    }
    throw new ProtocolError(
      "EPROTO",
      `unexpected ${command.name} command in the PLAIN handshake`,
      "ERR_ZMTP_UNEXPECTED_COMMAND",
    );
  }
}

/** HELLO: the user name and the password, each behind its length octet. */
export function encodeHello({ username, password }: PlainCredentials): Buffer {
  if (username.length > 255 || password.length > 255) {
    throw new ZmqError("EINVAL", "PLAIN user names and passwords are at most 255 octets");
  }
  const out = Buffer.allocUnsafe(2 + username.length + password.length);
  out[0] = username.length;
  out.set(username, 1);
  out[1 + username.length] = password.length;
  out.set(password, 2 + username.length);
  return out;
}

export function decodeHello(data: Buffer): PlainCredentials {
  const userLength = data[0];
  if (userLength === undefined || data.length < 2 + userLength)
    throw new ProtocolError("EPROTO", "malformed PLAIN HELLO", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  const passwordLength = data[1 + userLength]!;
  if (data.length !== 2 + userLength + passwordLength)
    throw new ProtocolError("EPROTO", "malformed PLAIN HELLO", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
  return {
    username: data.subarray(1, 1 + userLength),
    password: data.subarray(2 + userLength),
  };
}

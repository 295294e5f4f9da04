import { writeFileSync } from "node:fs";
import { curveKeyPair } from "../zmq/index.js";

/**
 * A CURVE key pair in the certificate format of libzmq's zcert and pyzmq's zmq.auth
 * (`load_certificate` reads both files): `<base>.key` holds the public key, to hand out;
 * `<base>.key_secret` both keys, to keep (written readable by its owner only).
 */
export function writeCertificates(base: string, now = new Date()): { publicKey: string; files: string[] } {
  const { publicKey, secretKey } = curveKeyPair();
  const header = (kind: string, warning: string[]) =>
    [
      `#   ****  Generated on ${now.toISOString()} by plantrpc  ****`,
      `#   ZeroMQ CURVE ${kind} Certificate`,
      ...warning.map((w) => `#   ${w}`),
      "",
      "metadata",
      "curve",
    ].join("\n");
  const publicFile = `${base}.key`;
  const secretFile = `${base}.key_secret`;
  writeFileSync(
    publicFile,
    `${header("Public", ["Exchange securely, or use a secure mechanism to verify the contents", "of this file after exchange. Store public certificates in your home", "directory, in the .curve subdirectory."])}\n    public-key = "${publicKey}"\n`,
  );
  writeFileSync(
    secretFile,
    `${header("**Secret**", ["DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions."])}\n    public-key = "${publicKey}"\n    secret-key = "${secretKey}"\n`,
    { mode: 0o600 },
  );
  return { publicKey, files: [publicFile, secretFile] };
}

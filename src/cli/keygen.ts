import { writeFileSync } from "node:fs";
import { createCertificate, formatCertificate } from "../zmq/index.js";

/**
 * A CURVE key pair in the certificate format of libzmq's zcert and pyzmq's zmq.auth (the
 * library's formatCertificate; `load_certificate` and zcert_load read both files):
 * `<base>.key` holds the public key, to hand out; `<base>.key_secret` both keys, to keep (written
 * readable by its owner only).
 */
export function writeCertificates(
  base: string,
  now = new Date(),
  metadata: Record<string, string> = {},
): { publicKey: string; files: string[] } {
  const cert = createCertificate(metadata);
  const publicFile = `${base}.key`;
  const secretFile = `${base}.key_secret`;
  writeFileSync(publicFile, formatCertificate(cert, { date: now }));
  writeFileSync(secretFile, formatCertificate(cert, { secret: true, date: now }), { mode: 0o600 });
  return { publicKey: cert.publicKey, files: [publicFile, secretFile] };
}

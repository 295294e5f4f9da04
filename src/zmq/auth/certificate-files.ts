// Certificates as files, named as zcert and pyzmq name them: the public certificate at the path
// given, the secret one beside it with `_secret` appended (zcert: `name` and `name_secret`;
// pyzmq: `name.key` and `name.key_secret`).
import { type Certificate, formatCertificate, parseCertificate } from "./certificate.js";
import { readText, writeText } from "./files.js";

/** Where the secret certificate of a public certificate's path goes. */
export const secretPath = (path: string) => `${path}_secret`;

/**
 * Reads a certificate file, public or secret, as zcert_load and pyzmq's load_certificate read
 * them (metadata kept). Throws a ZmqError: ENOENT or EACCES when the file cannot be read, EINVAL
 * when it is not a certificate (the message says why and where).
 */
export async function loadCertificate(path: string): Promise<Certificate> {
  return parseCertificate(await readText(path), path);
}

/** The files saveCertificate() wrote. */
export interface SavedCertificate {
  /** The public certificate: the path given. */
  publicFile: string;
  /** The secret certificate (the path and "_secret"), when the certificate had its secret key. */
  secretFile?: string;
}

/**
 * Writes a certificate as zcert_save does: the public certificate at `path`, and when the
 * certificate holds its secret key, the secret certificate at `path` + "_secret", readable by its
 * owner only. Name it `x.key` for pyzmq's naming (`x.key`, `x.key_secret`), `x` for zcert's.
 * Resolves with the files written.
 */
export async function saveCertificate(path: string, cert: Certificate): Promise<SavedCertificate> {
  const date = new Date();
  const publicText = formatCertificate(cert, { date });
  const secretText = cert.secretKey === undefined ? undefined : formatCertificate(cert, { secret: true, date });
  await writeText(path, publicText);
  if (secretText === undefined) return { publicFile: path };
  await writeText(secretPath(path), secretText, true);
  return { publicFile: path, secretFile: secretPath(path) };
}

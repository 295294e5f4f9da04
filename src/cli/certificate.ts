import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type Certificate, parseCertificate } from "../zmq/index.js";
import { isCurveKeyText } from "../zmq/internal.js";
import { UsageError } from "./args.js";

/**
 * Reads a certificate written by `plantrpc keygen`, libzmq's zcert or pyzmq's
 * `zmq.auth.create_certificates` (the library's parseCertificate); any fault is a UsageError
 * naming the file.
 */
export function readCertificate(path: string): Certificate {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the certificate ${path}: ${(e as Error).message}`);
  }
  try {
    return parseCertificate(text, path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A secret certificate (`.key_secret`): this side's own key pair. */
export function readKeyPair(path: string): { publicKey: string; secretKey: string } {
  const cert = readCertificate(path);
  if (!cert.secretKey) {
    throw new UsageError(`${path} holds no secret key: --keys takes a .key_secret file (plantrpc keygen makes one)`);
  }
  return { publicKey: cert.publicKey, secretKey: cert.secretKey };
}

/** `--server-key`: a public key as 40 characters of Z85, or a certificate file that holds it. */
export function serverKeyOf(value: string): string {
  // A file wins: a 40-character path can be valid Z85 too.
  if (existsSync(value)) return readCertificate(value).publicKey;
  if (isCurveKeyText(value)) return value;
  throw new UsageError(
    `--server-key takes a device's public key (40 characters of Z85) or its certificate file; "${value}" is neither`,
  );
}

/** `--allow-keys`: a directory of client certificates (zcert's or pyzmq's). */
export function allowKeysDirectory(value: string): string {
  let directory = false;
  try {
    directory = statSync(value).isDirectory();
  } catch {
    // not there: said below
  }
  if (!directory)
    throw new UsageError(`--allow-keys takes a directory of client certificates; "${value}" is not a directory`);
  // Absolute: the directory is read again at each handshake, whatever the working directory then.
  return resolve(value);
}

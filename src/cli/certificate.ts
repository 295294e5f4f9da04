import { existsSync, readFileSync } from "node:fs";
import { z85Decode } from "../zmq/internal.js";
import { UsageError } from "./args.js";

/** What a zcert / pyzmq certificate holds: always the public key, the secret key in `.key_secret`. */
export interface Certificate {
  publicKey: string;
  secretKey?: string;
}

/** 40 characters of Z85 holding 32 octets: a CURVE key as text. */
const isZ85Key = (text: string) => text.length === 40 && z85Decode(text) !== undefined;
const KEY_LINE = /^\s*(public-key|secret-key)\s*=\s*"([^"]*)"\s*$/;

/**
 * Reads a certificate written by `plantrpc keygen`, libzmq's zcert or pyzmq's
 * `zmq.auth.create_certificates`: only the two key lines matter, in whichever section they are.
 */
export function readCertificate(path: string): Certificate {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the certificate ${path}: ${(e as Error).message}`);
  }
  const keys: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = KEY_LINE.exec(line);
    if (!m) continue;
    if (!isZ85Key(m[2]!)) throw new UsageError(`${path}: ${m[1]} is not 40 characters of Z85`);
    keys[m[1]!] = m[2]!;
  }
  if (!keys["public-key"]) throw new UsageError(`${path} is not a CURVE certificate: it has no public-key line`);
  return { publicKey: keys["public-key"], secretKey: keys["secret-key"] };
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
  if (isZ85Key(value)) return value;
  throw new UsageError(
    `--server-key takes a device's public key (40 characters of Z85) or its certificate file; "${value}" is neither`,
  );
}

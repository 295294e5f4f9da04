// A CURVE certificate as zcert (CZMQ) and pyzmq's zmq.auth write it: ZPL text with a `metadata`
// section and a `curve` section holding `public-key` and, in the secret file, `secret-key`
// (both 40 characters of Z85). Reading and writing the text; files are certificate-files.ts.
import { curveKeyPair, curvePublicKey } from "../curve-keypair.js";
import { plainError } from "../errors.js";
import { z85Decode } from "../mechanism/z85.js";
import { isZplName, parseZpl, quoteZplValue, ZplSyntaxError, zplChild } from "./zpl.js";

/** A CURVE certificate: a key pair (the secret key only in its owner's copy) and metadata. */
export interface Certificate {
  /** The public key, 40 characters of Z85. */
  publicKey: string;
  /** The secret key, 40 characters of Z85: present in the secret certificate only. */
  secretKey?: string;
  /** Name-value pairs kept with the keys (zcert's `metadata` section), in file order. */
  metadata: Record<string, string>;
}

/** Whether text is a CURVE key: 40 characters of Z85 (32 octets). */
export const isCurveKeyText = (text: unknown): text is string =>
  typeof text === "string" && text.length === 40 && z85Decode(text) !== undefined;

/** A new certificate: a fresh key pair, and the metadata given. */
export function createCertificate(metadata: Record<string, string> = {}): Certificate {
  const { publicKey, secretKey } = curveKeyPair();
  return { publicKey, secretKey, metadata: { ...metadata } };
}

const invalid = (source: string, reason: string) => plainError("EINVAL", `${source}: ${reason}`);

/**
 * Reads a certificate's text, as zcert_load does (and pyzmq's load_certificate, which reads the
 * keys only). Throws a ZmqError (EINVAL) saying what is wrong: not ZPL, no public key, a key that
 * is not 40 characters of Z85, or a secret key that the public key does not belong to.
 */
export function parseCertificate(text: string, source = "certificate"): Certificate {
  let items: ReturnType<typeof parseZpl>;
  try {
    items = parseZpl(text);
  } catch (e) {
    if (e instanceof ZplSyntaxError) throw invalid(source, `not a certificate (${e.message})`);
    throw e;
  }
  const curve = zplChild(items, "curve")?.children;
  const publicKey = zplChild(curve, "public-key")?.value;
  const secretKey = zplChild(curve, "secret-key")?.value;
  if (publicKey === undefined) throw invalid(source, "not a CURVE certificate: no curve/public-key");
  if (!isCurveKeyText(publicKey)) throw invalid(source, "curve/public-key is not 40 characters of Z85");
  if (secretKey !== undefined && !isCurveKeyText(secretKey))
    throw invalid(source, "curve/secret-key is not 40 characters of Z85");
  if (secretKey !== undefined && curvePublicKey(secretKey) !== publicKey)
    throw invalid(source, "curve/public-key does not belong to curve/secret-key");
  const metadata: Record<string, string> = {};
  for (const item of zplChild(items, "metadata")?.children ?? []) {
    // A metadata name may be anything ZPL allows, `__proto__` included: no prototype to reach.
    Object.defineProperty(metadata, item.name, {
      value: item.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { publicKey, ...(secretKey === undefined ? {} : { secretKey }), metadata };
}

const PUBLIC_BANNER = [
  "ZeroMQ CURVE Public Certificate",
  "Exchange securely, or use a secure mechanism to verify the contents",
  "of this file after exchange. Store public certificates in your home",
  "directory, in the .curve subdirectory.",
];
const SECRET_BANNER = [
  "ZeroMQ CURVE **Secret** Certificate",
  "DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.",
];

/**
 * A certificate's text as zcert_save writes it: the public certificate, or with `secret` the
 * secret one (both keys). Throws a ZmqError (EINVAL) for keys that are not Z85 keys, a secret
 * file without a secret key, or metadata that ZPL cannot hold (a name outside its characters, a
 * value with a line break or both kinds of quote).
 */
export function formatCertificate(cert: Certificate, options: { secret?: boolean; date?: Date } = {}): string {
  const secret = options.secret === true;
  if (!isCurveKeyText(cert?.publicKey)) throw invalid("certificate", "publicKey is not 40 characters of Z85");
  if (secret && !isCurveKeyText(cert.secretKey))
    throw invalid("certificate", "a secret certificate needs secretKey, 40 characters of Z85");
  const lines = [
    `#   ****  Generated on ${(options.date ?? new Date()).toISOString()} by plantrpc  ****`,
    ...(secret ? SECRET_BANNER : PUBLIC_BANNER).map((l) => `#   ${l}`),
    "",
    "metadata",
  ];
  for (const [name, value] of Object.entries(cert.metadata ?? {})) {
    const quoted = typeof value === "string" ? quoteZplValue(value) : undefined;
    if (!isZplName(name)) throw invalid("certificate", `metadata name ${JSON.stringify(name)} is not a ZPL name`);
    if (quoted === undefined)
      throw invalid("certificate", `metadata ${name}: a value is text without line breaks or both kinds of quote`);
    lines.push(`    ${name} = ${quoted}`);
  }
  lines.push("curve", `    public-key = "${cert.publicKey}"`);
  if (secret) lines.push(`    secret-key = "${cert.secretKey}"`);
  return `${lines.join("\n")}\n`;
}

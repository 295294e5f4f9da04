// CURVE keys as text. The input, written to a file (at each run, in the system's temp directory), is
// a certificate as the CLI reads it (cli/certificate.ts readCertificate, readKeyPair: zcert's and
// pyzmq's format, `metadata` and `curve` sections, `public-key = "..."` lines of Z85), and a
// --server-key value (serverKeyOf); the input is also Z85 text and octets for z85Decode,
// z85Encode and curveKey (zmq/mechanism/z85.ts), and a socket's CURVE key option value
// (option-checks.ts isCurveKey). A first byte of 0x57 ("W") also writes a certificate pair with
// the CLI's writer (cli/keygen.ts writeCertificates), dated by the input, and reads it back.
// The same text goes to the library's certificate reader (zmq/auth/certificate.ts parseCertificate
// over zpl.ts), to the password-file reader (zmq/auth/password-file.ts), and, cut at zero octets
// into frames, to the authenticator's ZAP request reader (zmq/auth/zap-messages.ts, policy.ts
// requestOf).
// Invariants:
//   - the readers refuse with UsageError only (a clear message), z85Encode with RangeError
//     only (a length that is not a multiple of 4), z85Decode and curveKey by undefined only;
//   - a certificate read holds a public key, and perhaps a secret one, each 40 characters that
//     decode to 32 octets, each standing quoted in the file; readKeyPair gives both or refuses;
//   - Z85 round trip: decoded text encodes back to itself, encoded octets decode back to
//     themselves;
//   - a key value the socket options accept (isCurveKey) is one curveKey decodes to 32 octets;
//   - what the writer writes reads back: the public file the public key alone, the secret file
//     both, and the secret key's own public key is the public key;
//   - parseCertificate refuses with ZmqError EINVAL only; what it reads, formatCertificate writes
//     back to the same certificate (or refuses metadata ZPL cannot hold, EINVAL);
//   - a password file never throws, and names are non-empty lines' text before an "=";
//   - a ZAP request read keeps its frames: the envelope ends with the delimiter, the fields follow.
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Buffer, InvariantError, invariant, load, splitAtZeros } = require("./_lib.cjs");

const { readCertificate, readKeyPair, serverKeyOf } = load("cli/certificate.js");
const { UsageError } = load("cli/args.js");
const { writeCertificates } = load("cli/keygen.js");
const { curveKey, z85Decode, z85Encode } = load("zmq/mechanism/z85.js");
const { isCurveKey } = load("zmq/socket/option-checks.js");
const { formatCertificate, parseCertificate } = load("zmq/auth/certificate.js");
const { parsePasswords } = load("zmq/auth/password-file.js");
const { readZapRequest } = load("zmq/auth/zap-messages.js");
const { requestOf } = load("zmq/auth/policy.js");
const { ZmqError } = load("zmq/errors.js");

exports.settings = {
  includes: ["cli/certificate", "cli/keygen", "mechanism/z85", "socket/option-checks", "zmq/auth/"],
};

// One directory for every run of the target, files named by process (libFuzzer's exit skips
// the exit handlers): those of processes gone are removed when the next one starts.
const DIR = path.join(os.tmpdir(), "plantrpc-fuzz-certificate");
fs.mkdirSync(DIR, { recursive: true });
for (const name of fs.readdirSync(DIR)) {
  const pid = Number.parseInt(name, 10);
  if (pid !== process.pid && !alive(pid)) fs.rmSync(path.join(DIR, name), { force: true });
}
const FILE = path.join(DIR, `${process.pid}-input.key_secret`);
const WRITTEN = path.join(DIR, `${process.pid}-written`);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

/** The step's value, or undefined when it refuses with `kind`; any other error is a finding. */
function refusedWith(kind, step) {
  try {
    return step();
  } catch (e) {
    if (e instanceof InvariantError || !(e instanceof kind)) throw e;
    invariant(e.message.length > 0, "a message");
    return undefined;
  }
}

const isKey = (text) => typeof text === "string" && text.length === 40 && z85Decode(text)?.length === 32;

function certificate(data) {
  fs.writeFileSync(FILE, data);
  const text = fs.readFileSync(FILE, "utf8");
  const cert = refusedWith(UsageError, () => readCertificate(FILE));
  const pair = refusedWith(UsageError, () => readKeyPair(FILE));
  if (cert === undefined) {
    invariant(pair === undefined, "no key pair without a certificate");
    return;
  }
  invariant(isKey(cert.publicKey) && text.includes(`"${cert.publicKey}"`), "a public key of the file");
  invariant(
    cert.secretKey === undefined || (isKey(cert.secretKey) && text.includes(`"${cert.secretKey}"`)),
    "a secret key",
  );
  invariant((pair !== undefined) === (cert.secretKey !== undefined), "a key pair exactly with a secret key");
  if (pair) invariant(pair.publicKey === cert.publicKey && pair.secretKey === cert.secretKey, "the same pair");
  const key = refusedWith(UsageError, () => serverKeyOf(FILE));
  invariant(key === cert.publicKey, "--server-key takes a certificate's public key");
}

function z85(data) {
  const text = data.toString("latin1");
  const decoded = z85Decode(text);
  if (decoded !== undefined) {
    invariant(decoded.length === (text.length / 5) * 4, "4 octets per 5 characters");
    invariant(z85Encode(decoded) === text, "decoded text encodes back to itself");
  } else {
    invariant(text.length > 0, "the empty text decodes");
  }
  const encoded = refusedWith(RangeError, () => z85Encode(data));
  invariant((encoded !== undefined) === (data.length % 4 === 0), "z85Encode takes a multiple of 4 octets");
  if (encoded !== undefined) {
    invariant(encoded.length === (data.length / 4) * 5, "5 characters per 4 octets");
    invariant(Buffer.from(z85Decode(encoded)).equals(data), "encoded octets decode back");
  }
  // A key option's value, and a --server-key given as text (not a file's name).
  for (const value of [data.subarray(0, 40), data.subarray(0, 32), data]) {
    const key = curveKey(value);
    if (value.length === 32) invariant(key === value, "32 octets are the key");
    if (isCurveKey(value)) invariant(key?.length === 32, `an accepted key option decodes: ${value.toString("latin1")}`);
  }
  const value = text.slice(0, 40);
  if (!/[/.]/.test(value) && !fs.existsSync(value)) {
    const key = refusedWith(UsageError, () => serverKeyOf(value));
    invariant((key !== undefined) === isKey(value), "--server-key takes 40 characters of Z85");
  }
}

/** The public key of a secret one (X25519), by node:crypto. */
function publicOf(secretKey) {
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), z85Decode(secretKey)]);
  const key = crypto.createPublicKey(crypto.createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }));
  return z85Encode(Buffer.from(key.export({ format: "jwk" }).x, "base64url"));
}

function written(data) {
  const ms = data.length >= 8 ? Number(data.readBigUInt64BE(0) % 8_640_000_000_000_000n) : data.length;
  const base = WRITTEN;
  const { publicKey, files } = writeCertificates(base, new Date(ms));
  invariant(files.length === 2 && files[0] === `${base}.key` && files[1] === `${base}.key_secret`, "two files");
  const pub = readCertificate(files[0]);
  invariant(pub.publicKey === publicKey && pub.secretKey === undefined, "the public file: the public key alone");
  const pair = readKeyPair(files[1]);
  invariant(pair.publicKey === publicKey && isKey(pair.secretKey), "the secret file: both keys");
  invariant(publicOf(pair.secretKey) === publicKey, "the secret key's own public key");
}

/** The library's reader and writer: what reads, writes back to itself. */
function library(data) {
  const text = data.toString("utf8");
  const invalid = (e) => e instanceof ZmqError && e.code === "EINVAL" && e.message.length > 0;
  let cert;
  try {
    cert = parseCertificate(text, "input");
  } catch (e) {
    if (!invalid(e)) throw e;
    return;
  }
  invariant(isKey(cert.publicKey) && (cert.secretKey === undefined || isKey(cert.secretKey)), "keys of Z85");
  if (cert.secretKey !== undefined) invariant(publicOf(cert.secretKey) === cert.publicKey, "a pair that belongs");
  let again;
  try {
    again = parseCertificate(formatCertificate(cert, { secret: cert.secretKey !== undefined }), "written");
  } catch (e) {
    if (!invalid(e) || !/metadata/.test(e.message)) throw e;
    return;
  }
  invariant(JSON.stringify(again) === JSON.stringify(cert), "what is written reads back the same");
}

function passwords(data) {
  for (const [name, password] of parsePasswords(data.toString("utf8"))) {
    invariant(name.length > 0 && !/[\n=]/.test(name) && !name.startsWith("#"), "a name");
    invariant(!password.includes("\n"), "a password within its line");
  }
}

function zapRequest(data) {
  const frames = [...splitAtZeros(data)];
  const read = readZapRequest(frames);
  if (!read) return;
  const { envelope, credentials } = read.request;
  invariant(envelope.at(-1).length === 0 && envelope.slice(0, -1).every((f) => f.length > 0), "an envelope");
  invariant(read.complete === frames.length - envelope.length >= 6, "complete with six fields");
  const auth = requestOf(
    {
      domain: read.request.domain,
      address: read.request.address,
      identity: read.request.identity,
      mechanism: read.request.mechanism,
    },
    credentials,
  );
  if (auth?.publicKey !== undefined) invariant(isKey(auth.publicKey), "a CURVE key of 32 octets");
}

exports.fuzz = (data) => {
  const input = Buffer.from(data);
  certificate(input);
  library(input);
  passwords(input);
  zapRequest(input);
  z85(input);
  if (input[0] === 0x57) written(input.subarray(1));
};

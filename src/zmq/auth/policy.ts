// What an authenticator decides for one ZAP request, as CZMQ's zauth and pyzmq's zmq.auth decide
// it (addresses first, then the mechanism's own check), with a callback for what the rules leave.
import { z85Encode } from "../mechanism/z85.js";
import { isCurveKeyText } from "./certificate.js";
import { CertificateStore } from "./certificate-store.js";
import { PasswordFile } from "./password-file.js";

/** One ZAP request, as a check callback sees it. */
export interface AuthRequest {
  /** The server socket's zapDomain ("" when it has none). */
  domain: string;
  /** The client's IP address ("" for ipc:// and inproc://). */
  address: string;
  /** The server socket's routingId for this client (empty when none). */
  identity: Uint8Array;
  /** "NULL", "PLAIN" or "CURVE" (or what the request named). */
  mechanism: string;
  /** PLAIN: the user name given. */
  username?: string;
  /** PLAIN: the password given. */
  password?: string;
  /** CURVE: the client's public key, 40 characters of Z85. */
  publicKey?: string;
}

/**
 * A check callback's answer: true admits, false refuses (ZAP status 400); an object says more:
 * the User-Id to give an admitted client, why a refusal, or status 300 (try again later) or 500.
 */
export type AuthVerdict = boolean | AuthVerdictDetail;

/** A check's answer in full. */
export interface AuthVerdictDetail {
  /** Admit (true) or refuse. */
  allow: boolean;
  /** The User-Id an admitted client gets (default: its user name or public key). */
  userId?: string;
  /** Why, as the ZAP status text (default "Refused"). */
  reason?: string;
  /** A refusal's status: 400 (default), 300 try again later, 500 internal error. */
  status?: 300 | 400 | 500;
}

/** How one ZAP domain admits clients, each part optional. */
export interface AuthPolicy {
  /** PLAIN: user names and passwords, given here or in a file (zauth's format, `name=password` lines, read again when it changes). */
  plain?: {
    /** User names and their passwords. */
    passwords?: Readonly<Record<string, string>>;
    /** A file of `name=password` lines (zauth's format), read again when it changes. */
    passwordFile?: string;
  };
  /**
   * CURVE: `allowAny` admits every client that knows the server's key (encryption only);
   * `keys` admits these public keys (Z85); `directory` the keys of the certificates in it (zcert's
   * or pyzmq's files, read again when it changes).
   */
  curve?: {
    /** Every client that knows the server's public key (encryption without authentication). */
    allowAny?: boolean;
    /** These clients' public keys, 40 characters of Z85 each. */
    keys?: Iterable<string>;
    /** A directory of client certificates (zcert's or pyzmq's), read again when it changes. */
    directory?: string;
  };
  /**
   * Decides what the rules above leave: a NULL client (admitted when there is no check), a PLAIN
   * or CURVE client they do not admit, or another mechanism. May return a promise. An exception
   * refuses the client with status 500.
   */
  check?: (request: AuthRequest) => AuthVerdict | Promise<AuthVerdict>;
}

/** Which rule decided. */
export type AuthRule =
  | "deny-list"
  | "allow-list"
  | "null"
  | "password"
  | "any-key"
  | "key"
  | "certificate"
  | "check"
  | "no-rule"
  | "malformed"
  | "error";

/** One decision, as the authenticator logs it. */
export interface AuthDecision {
  /** The server socket's zapDomain ("" when it has none). */
  domain: string;
  /** The client's IP address ("" for ipc:// and inproc://). */
  address: string;
  /** "NULL", "PLAIN" or "CURVE" (or what the request named). */
  mechanism: string;
  /** PLAIN: the user name; CURVE: the client's public key (Z85). */
  user?: string;
  /** Whether the client was admitted. */
  allowed: boolean;
  /** The ZAP status: 200 admitted, 300 try later, 400 refused, 500 internal error (the status the monitors' handshake:error:auth events give). */
  status: 200 | 300 | 400 | 500;
  /** Why, in words (the ZAP status text). */
  reason: string;
  /** The rule that decided. */
  rule: AuthRule;
  /** The User-Id given to an admitted client. */
  userId?: string;
  /** What went wrong, for status 500. */
  error?: Error;
}

/** A policy ready to decide: its files opened once. */
export interface PreparedPolicy {
  policy: AuthPolicy;
  passwords?: ReadonlyMap<string, string>;
  passwordFile?: PasswordFile;
  keys?: ReadonlySet<string>;
  store?: CertificateStore;
}

/** Opens a policy's password file and certificate directory, and checks its keys. Throws a TypeError for keys that are not Z85. */
export function preparePolicy(policy: AuthPolicy, onSkipped?: (path: string, error: Error) => void): PreparedPolicy {
  const { plain, curve } = policy;
  const keys = curve?.keys === undefined ? undefined : new Set(curve.keys);
  for (const key of keys ?? []) {
    if (!isCurveKeyText(key))
      throw new TypeError(`curve.keys: ${JSON.stringify(key)} is not a public key (40 characters of Z85)`);
  }
  return {
    policy,
    ...(plain?.passwords ? { passwords: new Map(Object.entries(plain.passwords)) } : {}),
    ...(plain?.passwordFile ? { passwordFile: new PasswordFile(plain.passwordFile) } : {}),
    ...(keys ? { keys } : {}),
    ...(curve?.directory ? { store: new CertificateStore(curve.directory, { onSkipped }) } : {}),
  };
}

/** Compares two strings in time that depends on their lengths only. */
function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

type Outcome = Pick<AuthDecision, "allowed" | "status" | "reason" | "rule" | "userId">;
const admitted = (rule: AuthRule, userId = ""): Outcome => ({ allowed: true, status: 200, reason: "OK", rule, userId });
const refused = (rule: AuthRule, reason: string, status: 300 | 400 | 500 = 400): Outcome => ({
  allowed: false,
  status,
  reason,
  rule,
});

async function checkPlain(p: PreparedPolicy, user: string, password: string): Promise<Outcome> {
  if (!p.passwords && !p.passwordFile) return refused("no-rule", "No passwords defined");
  const known = p.passwords?.get(user) ?? (await p.passwordFile?.lookup(user));
  if (known === undefined) return refused("password", "Invalid username");
  return sameText(known, password) ? admitted("password", user) : refused("password", "Invalid password");
}

async function checkCurve(p: PreparedPolicy, key: string): Promise<Outcome> {
  const curve = p.policy.curve;
  if (curve?.allowAny) return admitted("any-key", key);
  if (p.keys?.has(key)) return admitted("key", key);
  if (p.store && (await p.store.lookup(key))) return admitted("certificate", key);
  return p.keys || p.store ? refused("key", "Unknown key") : refused("no-rule", "No keys defined");
}

function fromVerdict(verdict: AuthVerdict, fallbackUser: string): Outcome {
  if (typeof verdict === "boolean") return verdict ? admitted("check", fallbackUser) : refused("check", "Refused");
  if (verdict?.allow === true) return admitted("check", verdict.userId ?? fallbackUser);
  const status = verdict?.status === 300 || verdict?.status === 500 ? verdict.status : 400;
  return refused("check", verdict?.reason ?? "Refused", status);
}

/** The mechanism's own rules (NULL is admitted unless the domain has a check, which decides). */
async function byMechanism(p: PreparedPolicy | undefined, r: AuthRequest): Promise<Outcome> {
  if (r.mechanism === "NULL") return p?.policy.check ? refused("no-rule", "No access") : admitted("null");
  if (!p) return refused("no-rule", `No policy for the domain "${r.domain}"`);
  if (r.mechanism === "PLAIN") return checkPlain(p, r.username ?? "", r.password ?? "");
  if (r.mechanism === "CURVE") return checkCurve(p, r.publicKey ?? "");
  return refused("no-rule", `No rule for ${r.mechanism}`);
}

/** What the domain's policy (undefined: none) decides for a request whose address was admitted. */
export async function decide(p: PreparedPolicy | undefined, request: AuthRequest): Promise<Outcome> {
  const ruled = await byMechanism(p, request);
  if (ruled.allowed || !p?.policy.check) return ruled;
  const user = request.username ?? request.publicKey ?? "";
  return fromVerdict(await p.policy.check(request), user);
}

/** The request a ZAP request's credentials make, or undefined when they do not fit the mechanism. */
export function requestOf(
  base: Omit<AuthRequest, "username" | "password" | "publicKey">,
  credentials: readonly Uint8Array[],
): AuthRequest | undefined {
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  if (base.mechanism === "PLAIN") {
    if (credentials.length !== 2) return undefined;
    return { ...base, username: text(credentials[0]!), password: text(credentials[1]!) };
  }
  if (base.mechanism === "CURVE") {
    if (credentials.length !== 1 || credentials[0]!.length !== 32) return undefined;
    return { ...base, publicKey: z85Encode(credentials[0]!) };
  }
  return base;
}

import { curvePublicKey, type Socket, type SocketOptions } from "../zmq/index.js";
import { addDomainPolicy, isCurveKeyText } from "../zmq/internal.js";

/**
 * CURVE for devices and their clients: the keys as the RPC layer takes them (Z85 text, as
 * `curveKeyPair()` and libzmq's tools make them), turned into socket options.
 */
export interface CurveServerKeys {
  /** The device's secret key; its public key is what clients need. */
  secretKey: string;
  /** The device's public key, set as the sockets' curvePublicKey when given (the secret key is enough). */
  publicKey?: string;
  /**
   * Admit only these clients (by default, every client that knows the public key): a directory
   * of their certificates (zcert's or pyzmq's files, read again when it changes), a list of their
   * public keys (Z85), or both. See docs/security.md.
   */
  allowKeys?: string | readonly string[] | AllowedKeys;
}

/** Clients admitted by key: the certificates of a directory, listed keys, or both. */
export interface AllowedKeys {
  /** A directory of client certificates (zcert's or pyzmq's), read again when it changes. */
  directory?: string;
  /** Client public keys, 40 characters of Z85 each. */
  keys?: readonly string[];
}

/** A client's CURVE settings: the device's public key, and optionally a key pair of its own. */
export interface CurveClientKeys {
  /** The device's public key. */
  serverKey: string;
  /**
   * The client's own public key: with secretKey, and that key's (a TypeError otherwise). Both
   * absent: a fresh pair is made; secretKey alone: its public key is used.
   */
  publicKey?: string;
  /** The client's own secret key. */
  secretKey?: string;
}

/** Options that every socket type takes. */
type AnySocketOptions = SocketOptions<Socket>;

function serverSocketOptions(curve: CurveServerKeys | undefined): AnySocketOptions {
  if (!curve) return {};
  return {
    curveServer: true,
    curveSecretKey: curve.secretKey,
    ...(curve.publicKey ? { curvePublicKey: curve.publicKey } : {}),
  };
}

/** allowKeys as a directory and a key list; throws a TypeError for anything else. */
function allowedKeys(allow: CurveServerKeys["allowKeys"]): AllowedKeys | undefined {
  if (allow === undefined) return undefined;
  const given = typeof allow === "string" ? { directory: allow } : Array.isArray(allow) ? { keys: allow } : allow;
  const { directory, keys } = given as AllowedKeys;
  const keysOk = keys === undefined || (Array.isArray(keys) && keys.every(isCurveKeyText));
  if ((directory !== undefined && typeof directory !== "string") || !keysOk || (directory ?? keys) === undefined)
    throw new TypeError(
      "curve.allowKeys takes a certificate directory, a list of public keys (40 characters of Z85), or { directory, keys }",
    );
  return { ...(directory === undefined ? {} : { directory }), ...(keys === undefined ? {} : { keys }) };
}

let nextDomain = 0;

/**
 * A server's CURVE: its sockets' options, and with allowKeys the ZAP domain that admits only
 * those clients (on the program's authenticator, started for it if none runs) from start() to
 * stop().
 */
export interface ServerSecurity {
  options: AnySocketOptions;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A server's security from its `curve` option. Throws a TypeError for a malformed allowKeys. */
export function serverSecurity(curve: CurveServerKeys | undefined): ServerSecurity {
  const allow = allowedKeys(curve?.allowKeys);
  const options = serverSocketOptions(curve);
  if (!allow) return { options, start: async () => undefined, stop: async () => undefined };
  const domain = `plantrpc.allow-keys.${nextDomain++}`;
  let adding: Promise<() => Promise<void>> | undefined;
  return {
    // zapEnforceDomain: should no handler be bound (stopped by the program, say), clients are
    // refused, never all admitted.
    options: { ...options, zapDomain: domain, zapEnforceDomain: true },
    async start() {
      adding ??= addDomainPolicy(domain, { curve: allow });
      await adding;
    },
    async stop() {
      const pending = adding;
      adding = undefined;
      // A stop during start() waits for the domain to be added, then takes it away.
      const release = await pending?.catch(() => undefined);
      await release?.();
    },
  };
}

export function clientSocketOptions(curve: CurveClientKeys | undefined): AnySocketOptions {
  if (!curve) return {};
  checkOwnKeys(curve);
  return {
    curveServerKey: curve.serverKey,
    ...(curve.publicKey ? { curvePublicKey: curve.publicKey } : {}),
    ...(curve.secretKey ? { curveSecretKey: curve.secretKey } : {}),
  };
}

/**
 * A client's own keys go out as given (libzmq's way): a public key without its secret key, or
 * not that key's, would fail every handshake at the device with nothing said here. Where this
 * runtime cannot derive public keys (a web page), the device's refusal is what tells.
 */
function checkOwnKeys({ publicKey, secretKey }: CurveClientKeys): void {
  if (publicKey === undefined) return;
  if (secretKey === undefined) {
    throw new TypeError("curve.publicKey is given without curve.secretKey: give both, or neither (a pair is made)");
  }
  let derived: string;
  try {
    derived = curvePublicKey(secretKey);
  } catch {
    return; // a malformed key is the socket option's to refuse; no X25519 here: the device's
  }
  if (derived !== publicKey) throw new TypeError("curve.publicKey is not the public key of curve.secretKey");
}

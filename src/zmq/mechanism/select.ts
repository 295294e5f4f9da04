import { curveMechanism } from "./curve/curve.js";
import type { CurveWorkers } from "./curve/curve-pool.js";
import type { MechanismFactory } from "./mechanism.js";
import { nullMechanism } from "./null.js";
import { plainMechanism } from "./plain.js";
import { curveKey } from "./z85.js";

/** A socket's security options, as stored (strings as bytes). */
export interface SecurityOptions {
  curveServer: boolean;
  curvePublicKey: Uint8Array | null;
  curveSecretKey: Uint8Array | null;
  curveServerKey: Uint8Array | null;
  plainServer: boolean;
  plainUsername: Uint8Array | null;
  plainPassword: Uint8Array | null;
  /** Worker threads for large CURVE boxes (the context's curveThreads and curveWorker, resolved). */
  curveWorkers: CurveWorkers;
}

/**
 * The mechanism the security options ask for, as libzmq chooses it: a CURVE server or client
 * first, then PLAIN, else NULL. Chosen once per session (a connect(), or a bind and what it
 * accepts), as libzmq copies a socket's options into each session. A CURVE client's keys are
 * used as given (a public key that is not the secret key's fails the handshake, as with libzmq);
 * what is missing is made (libzmq would use zeros and fail): without a secret key, a fresh pair
 * for the session's whole life (only a ZAP handler would care); without a public key, the
 * secret key's own.
 */
export function selectMechanism(options: SecurityOptions): MechanismFactory {
  const curveSecret = curveKey(options.curveSecretKey);
  if (options.curveServer) {
    // Without a secret key, libzmq's is all zeros: the handshake goes as far as it can (a
    // mechanism mismatch is still reported as such). Its public key is known to anyone: no
    // secret protects such a server.
    return curveMechanism({
      server: true,
      secretKey: curveSecret ?? new Uint8Array(32),
      workers: options.curveWorkers,
    });
  }
  const serverKey = curveKey(options.curveServerKey);
  if (serverKey) {
    const curvePublic = curveKey(options.curvePublicKey);
    return curveMechanism({
      server: false,
      serverKey,
      workers: options.curveWorkers,
      ...(curveSecret ? { secretKey: curveSecret } : {}),
      ...(curvePublic ? { publicKey: curvePublic } : {}),
    });
  }
  if (options.plainServer) return plainMechanism({ server: true });
  if (options.plainUsername !== null) {
    const password = options.plainPassword ?? new Uint8Array(0);
    return plainMechanism({ server: false, credentials: { username: options.plainUsername, password } });
  }
  return nullMechanism;
}

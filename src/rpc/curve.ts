import type { Socket, SocketOptions } from "../zmq/index.js";

/**
 * CURVE for devices and their clients: the keys as the RPC layer takes them (Z85 text, as
 * `curveKeyPair()` and libzmq's tools make them), turned into socket options.
 */
export interface CurveServerKeys {
  /** The device's secret key; its public key is what clients need. */
  secretKey: string;
  /** The device's public key, set as the sockets' curvePublicKey when given (the secret key is enough). */
  publicKey?: string;
}

/** A client's CURVE settings: the device's public key, and optionally a key pair of its own. */
export interface CurveClientKeys {
  /** The device's public key. */
  serverKey: string;
  /** The client's own public key (optional: a fresh pair is made when absent). */
  publicKey?: string;
  /** The client's own secret key, with publicKey. */
  secretKey?: string;
}

/** Options that every socket type takes. */
type AnySocketOptions = SocketOptions<Socket>;

export function serverSocketOptions(curve: CurveServerKeys | undefined): AnySocketOptions {
  if (!curve) return {};
  return {
    curveServer: true,
    curveSecretKey: curve.secretKey,
    ...(curve.publicKey ? { curvePublicKey: curve.publicKey } : {}),
  };
}

export function clientSocketOptions(curve: CurveClientKeys | undefined): AnySocketOptions {
  if (!curve) return {};
  return {
    curveServerKey: curve.serverKey,
    ...(curve.publicKey ? { curvePublicKey: curve.publicKey } : {}),
    ...(curve.secretKey ? { curveSecretKey: curve.secretKey } : {}),
  };
}

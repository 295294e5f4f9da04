import { z85Decode } from "../mechanism/z85.js";
import { parseOrigins } from "../transport/ws/ws-origins.js";

/** The checks of string options' values (the table's `accepts`): false means EINVAL. */

/**
 * A CURVE key: 32 octets, or their 40-character Z85 text, which must decode (as libzmq's
 * zmq_z85_decode, a group of 5 characters over 32 bits is none): a key taken here that curveKey
 * then read as no key would make a CURVE server's secret all zeros, and a client's server key none.
 */
export function isCurveKey(value: Uint8Array): boolean {
  return value.length === 32 || (value.length === 40 && z85Decode(latin1(value)) !== undefined);
}

/** An IP address, optionally with a /mask, as libzmq's TCP accept filter takes. */
export function isAddressFilter(value: Uint8Array): boolean {
  const [address, mask, extra] = latin1(value).split("/");
  if (extra !== undefined || !address) return false;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  const isV4 = v4?.slice(1).every((o) => Number(o) <= 255) ?? false;
  const isV6 = !isV4 && /^[0-9a-fA-F:]+$/.test(address) && address.includes(":");
  if (!isV4 && !isV6) return false;
  return mask === undefined || (/^\d+$/.test(mask) && Number(mask) <= (isV4 ? 32 : 128));
}

/** A list of origins for wsAllowedOrigins (or "*"). */
export function isOriginList(value: Uint8Array): boolean {
  try {
    parseOrigins(new TextDecoder().decode(value));
    return true;
  } catch {
    return false;
  }
}

function latin1(value: Uint8Array): string {
  return String.fromCharCode(...value);
}

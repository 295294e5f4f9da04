// ZAP (RFC 27) as its handler sees it: requests read, replies written. The request and reply
// travel behind a routing id and an empty delimiter, as a ROUTER bound at
// inproc://zeromq.zap.01 receives them from libzmq's sessions and from ours.

/** The ZAP version this handler speaks. */
export const ZAP_VERSION = "1.0";

/** A ZAP request, read: the envelope to answer with and its fields. */
export interface ZapRequestMessage {
  envelope: Uint8Array[];
  version: string;
  requestId: Uint8Array;
  domain: string;
  address: string;
  identity: Uint8Array;
  mechanism: string;
  credentials: Uint8Array[];
}

const text = (b: Uint8Array | undefined) => (b === undefined ? "" : new TextDecoder().decode(b));

/**
 * Reads a request received on a ROUTER: undefined when it has no envelope to answer with (no
 * routing id and delimiter); `complete` false when it lacks a field (fewer than six frames).
 */
export function readZapRequest(
  frames: readonly Uint8Array[],
): { request: ZapRequestMessage; complete: boolean } | undefined {
  const delimiter = frames.findIndex((f) => f.length === 0);
  if (delimiter < 1) return undefined;
  const envelope = frames.slice(0, delimiter + 1);
  const body = frames.slice(delimiter + 1);
  const [version, requestId, domain, address, identity, mechanism, ...credentials] = body;
  return {
    complete: body.length >= 6,
    request: {
      envelope,
      version: text(version),
      requestId: requestId ?? new Uint8Array(0),
      domain: text(domain),
      address: text(address),
      identity: identity ?? new Uint8Array(0),
      mechanism: text(mechanism),
      credentials,
    },
  };
}

/** The frames of a reply: envelope, version, request id, status, text, User-Id, empty metadata. */
export function zapReplyFrames(
  request: ZapRequestMessage,
  status: number,
  statusText: string,
  userId: string,
): Uint8Array[] {
  const bytes = (s: string) => new TextEncoder().encode(s);
  return [
    ...request.envelope,
    bytes(ZAP_VERSION),
    request.requestId,
    bytes(String(status)),
    bytes(statusText),
    bytes(userId),
    new Uint8Array(0),
  ];
}

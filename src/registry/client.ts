import { decodeBody, encodeBody } from "../common/codec.js";
import { RpcError, RpcTimeoutError } from "../common/errors.js";
import { type CurveClientKeys, clientSocketOptions } from "../rpc/curve.js";
import { NotAdmittedError } from "../rpc/errors.js";
import { Request, type ZmqError } from "../zmq/index.js";
import { WATCH } from "../zmq/internal.js";
import { shownUrl } from "../util/shown-url.js";
import type { DeviceEntry, RegistryMessage } from "./protocol.js";

/** Options of the one-shot registry calls (`registerDevice`, `listDevices`...). */
export interface RegistryRequestOptions {
  /** ms to wait for the registry's answer. Default 5000. */
  timeout?: number;
  /** The registry serves CURVE: its public key (and optionally our pair). */
  curve?: CurveClientKeys;
}

/** The registry answered UNSUPPORTED: e.g. LIST sent to a Python registry. */
export class UnsupportedByRegistry extends RpcError {
  /** `event` names the request refused, `url` the registry (shown without a token's value). */
  constructor(
    event: string,
    url: string,
    /** The reason a plantrpc registry gives (a full registry, a malformed request). */
    readonly reason?: string,
  ) {
    super(
      reason
        ? `the registry at ${shownUrl(url)} refused ${event}: ${reason}`
        : `the registry at ${shownUrl(url)} does not support ${event} (a Python reference registry has no ${event})`,
    );
    this.name = "UnsupportedByRegistry";
  }
}

/** One request on a fresh REQ socket, as the reference does, but never waiting forever. */
async function ask(url: string, message: RegistryMessage, options: RegistryRequestOptions): Promise<RegistryMessage> {
  const timeout = options.timeout ?? 5000;
  // The socket's own timeouts: nothing is left running once the answer is in.
  const req = new Request({
    linger: 0,
    sendTimeout: timeout,
    receiveTimeout: timeout,
    ...clientSocketOptions(options.curve),
  });
  // A registry that refuses our key (allowKeys) says so in the handshake: no need to wait.
  let refuse: (e: Error) => void = () => undefined;
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  refused.catch(() => undefined);
  req.events[WATCH]("handshake:error:auth", (event) => {
    const status = (event as { error?: { status?: number } }).error?.status ?? 400;
    refuse(new NotAdmittedError(`${message.event} to the registry`, shownUrl(url), status));
  });
  try {
    req.connect(url);
    await Promise.race([req.send(encodeBody(message, "json")), refused]);
    const [reply] = await Promise.race([
      req.receive().catch((e: unknown) => {
        if ((e as ZmqError).code === "EAGAIN")
          throw new RpcTimeoutError(`${message.event} to the registry at ${shownUrl(url)}`, timeout);
        throw e;
      }),
      refused,
    ]);
    const decoded = decodeBody(reply!, "json") as RegistryMessage;
    if (decoded?.event === "UNSUPPORTED") {
      const reason = (decoded.payload as { error?: unknown } | undefined)?.error;
      throw new UnsupportedByRegistry(message.event, url, typeof reason === "string" ? reason : undefined);
    }
    return decoded;
  } finally {
    req.close();
  }
}

/** Registers a device; resolves to the name the registry accepted and the registration's uuid. */
export async function registerDevice(
  type: string,
  addr: string,
  name: string,
  registryUrl: string,
  options: RegistryRequestOptions & { overwrite?: boolean } = {},
): Promise<{
  /** The name the registry gave: the one asked for, `name-1`, `name-2`... when it is taken (`<type>-0`... for ""). */
  name: string;
  /** The registration's id, which the alive checks and unregisterDevice() name. */
  uuid: string;
}> {
  const reply = await ask(
    registryUrl,
    { event: "REGISTER", payload: { device_type: type, addr, name, overwrite: options.overwrite ?? false } },
    options,
  );
  const payload = reply.payload as { name?: unknown; uuid?: unknown };
  if (reply.event !== "REGISTER_ACK" || typeof payload?.name !== "string" || typeof payload.uuid !== "string") {
    throw new RpcError(`unexpected answer to REGISTER from ${registryUrl}: ${JSON.stringify(reply)}`);
  }
  return { name: payload.name, uuid: payload.uuid };
}

/** Resolves true when the registry knew the registration. */
export async function unregisterDevice(
  uuid: string,
  registryUrl: string,
  options: RegistryRequestOptions = {},
): Promise<boolean> {
  const reply = await ask(registryUrl, { event: "UNREGISTER", payload: { uuid } }, options);
  return (reply.payload as { success?: unknown })?.success === true;
}

/** "ok": the registry knows us (expiry moved on); "unknown": it forgot us; "unreachable": no answer. */
export async function sendAliveCheck(
  uuid: string,
  registryUrl: string,
  aliveTimeout: number,
  options: RegistryRequestOptions = {},
): Promise<"ok" | "unknown" | "unreachable"> {
  try {
    const reply = await ask(
      registryUrl,
      { event: "CHECK_ALIVE", payload: { uuid, alive_timeout: aliveTimeout } },
      options,
    );
    return (reply.payload as { success?: unknown })?.success === true ? "ok" : "unknown";
  } catch (e) {
    if (e instanceof RpcTimeoutError) return "unreachable";
    throw e;
  }
}

/** Our LIST extension: name -> { type, addr }. A Python registry answers UNSUPPORTED. */
export async function listDevices(
  registryUrl: string,
  options: RegistryRequestOptions = {},
): Promise<Record<string, DeviceEntry>> {
  const reply = await ask(registryUrl, { event: "LIST", payload: {} }, options);
  const devices = (reply.payload as { devices?: unknown })?.devices;
  if (reply.event !== "LIST_ACK" || typeof devices !== "object" || devices === null) {
    throw new RpcError(`unexpected answer to LIST from ${registryUrl}`);
  }
  return devices as Record<string, DeviceEntry>;
}

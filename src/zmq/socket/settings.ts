/**
 * A socket's options turned into what the layers below it take: the security mechanism's
 * settings, a connection attempt's and a listener's settings, an engine's. Pure functions of an
 * option reader, so that each conversion is tested on its own (test/socket-settings.test.ts) and
 * the socket's endpoint code only passes their results on.
 */
import { Buffer } from "node:buffer";
import type { EngineOptions } from "../engine/engine.js";
import type { SocketTypeName } from "../engine/socket-types.js";
import type { CurveWorkers } from "../mechanism/curve/curve-pool.js";
import type { SecurityOptions } from "../mechanism/select.js";
import type { ZapClient } from "../mechanism/zap.js";
import type { MechanismFactory } from "../mechanism/mechanism.js";
import type { ConnectOptions, ListenOptions } from "../transport/carrier.js";
import type { WsAccess } from "../transport/ws/ws-access.js";
import { parseHosts, parseOrigins } from "../transport/ws/ws-origins.js";
import type { OptionName, StoredValue } from "./option-types.js";

/** Reads one option's value as the socket keeps it (strings as bytes, null when unset). */
export type OptionReader = <N extends OptionName>(name: N) => StoredValue<N>;

/** The security options, for selectMechanism. */
export function securityOf(read: OptionReader, curveWorkers: CurveWorkers): SecurityOptions {
  return {
    curveServer: read("curveServer"),
    curvePublicKey: read("curvePublicKey"),
    curveSecretKey: read("curveSecretKey"),
    curveServerKey: read("curveServerKey"),
    plainServer: read("plainServer"),
    plainUsername: read("plainUsername"),
    plainPassword: read("plainPassword"),
    curveWorkers,
  };
}

/** tcpKeepalive -1 leaves the OS default; tcpKeepaliveIdle is in seconds, as in libzmq. */
export function keepAliveOf(read: OptionReader): { enable: boolean; idleMs: number } | undefined {
  const mode = read("tcpKeepalive");
  if (mode < 0) return undefined;
  const idle = read("tcpKeepaliveIdle");
  return { enable: mode === 1, idleMs: idle > 0 ? idle * 1000 : 0 };
}

/** One connection attempt's settings; `inprocScope`: the socket's context's name space (inproc.ts). */
export function connectOptionsOf(
  read: OptionReader,
  mechanism: MechanismFactory,
  inprocScope?: object,
): ConnectOptions {
  return {
    inprocScope,
    timeout: read("connectTimeout"),
    keepAlive: keepAliveOf(read),
    mechanism: mechanism.name,
    maxMessageSize: read("maxMessageSize"),
    tls: {
      trustPem: textOf(read("wssTrustPem")),
      trustSystem: read("wssTrustSystem") ?? true,
      hostname: textOf(read("wssHostname")),
    },
  };
}

/** One listener's settings; `inprocScope` as for connectOptionsOf. */
export function listenOptionsOf(read: OptionReader, mechanism: MechanismFactory, inprocScope?: object): ListenOptions {
  return {
    inprocScope,
    mechanism: mechanism.name,
    maxMessageSize: read("maxMessageSize"),
    tls: { certPem: textOf(read("wssCertPem")), keyPem: textOf(read("wssKeyPem")) },
    access: wsAccessOf(read),
    messageTimeout: read("wsMessageTimeout") ?? 0,
    maxConnections: read("maxConnections") ?? 0,
  };
}

/** Who may open a WebSocket to what the socket binds: its ws* options. */
export function wsAccessOf(read: OptionReader): WsAccess {
  const origins = textOf(read("wsAllowedOrigins"));
  const hosts = textOf(read("wsAllowedHosts"));
  return {
    origins: origins === undefined ? new Set() : parseOrigins(origins),
    hosts: hosts === undefined ? undefined : parseHosts(hosts),
    token: textOf(read("wsToken")),
  };
}

/** What an engine takes of its socket beyond the options. */
export interface EngineContext {
  socketType: SocketTypeName;
  routingId: Uint8Array | undefined;
  zap: ZapClient;
}

/** One engine's settings: the handshake's, the heartbeats', ZAP's. */
export function engineOptionsOf(
  read: OptionReader,
  socket: EngineContext,
  mechanism: MechanismFactory,
  bound: boolean,
): EngineOptions {
  return {
    socketType: socket.socketType,
    routingId: socket.routingId,
    mechanism,
    bound,
    maxMessageSize: read("maxMessageSize"),
    heartbeatInterval: read("heartbeatInterval"),
    heartbeatTimeout: read("heartbeatTimeout"),
    heartbeatTimeToLive: read("heartbeatTimeToLive"),
    handshakeTimeout: read("handshakeInterval"),
    zap: socket.zap,
    zapDomain: textOf(read("zapDomain")) ?? "",
    zapEnforceDomain: read("zapEnforceDomain") ?? false,
  };
}

/** A string option as text; undefined when unset. */
function textOf(value: Uint8Array | null | undefined): string | undefined {
  return value ? Buffer.from(value).toString("utf8") : undefined;
}

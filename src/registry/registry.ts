import { decodeBody, encodeBody } from "../common/codec.js";
import { type CurveServerKeys, type ServerSecurity, serverSecurity } from "../rpc/curve.js";
import { endpointPort, Router, splitEnvelope } from "../zmq/index.js";
import { type Logger, processWarningLogger } from "../util/logger.js";
import { Listeners } from "../util/listeners.js";
import { hasUnsafeCharacter } from "../util/unsafe-characters.js";
import { DEFAULT_REGISTRY_PORT, REGISTRATION_TIMEOUT, type DeviceEntry, type RegistryMessage } from "./protocol.js";
import { optionNames, refuseUnknownOptions } from "../common/options.js";

const REGISTRY_OPTIONS = optionNames<DeviceRegistryOptions>()(
  "addr",
  "port",
  "registrationTimeout",
  "logger",
  "curve",
  "maxDevices",
  "maxAliveTimeout",
  "maxRequestSize",
  "maxConnections",
);
/** Options of `new DeviceRegistry()`. */
export interface DeviceRegistryOptions {
  /** Interface to bind: "*" (default) for all. */
  addr?: string;
  /** 5555 by default; 0 for any free port. */
  port?: number;
  /** Seconds a registration lives before its first alive check. Default 20. */
  registrationTimeout?: number;
  /** Where failing listeners are reported. Default: a process warning. */
  logger?: Logger;
  /** Serve over CURVE with these keys (devices and clients then need the public key). */
  curve?: CurveServerKeys;
  /** Devices registered at once; past it REGISTER is refused (UNSUPPORTED, with the reason). Default 10000. */
  maxDevices?: number;
  /**
   * Seconds a CHECK_ALIVE may keep a device: a longer `alive_timeout` is cut to it, so that no
   * entry becomes permanent. Default 86400 (a day; devices check every few seconds).
   */
  maxAliveTimeout?: number;
  /**
   * Largest request accepted, in octets: a bigger one closes that client's connection before its
   * body is buffered (registry requests are a few hundred octets). Default 64 KiB.
   */
  maxRequestSize?: number;
  /** Clients connected at once (each request is a connection of its own); past it a new one is closed at once. Default 1024. */
  maxConnections?: number;
}

/** Generous defaults: a lab has tens of devices, and they check in every 2 s. */
export const DEFAULT_MAX_DEVICES = 10_000;
export const DEFAULT_MAX_ALIVE_TIMEOUT = 86_400;
export const DEFAULT_MAX_REGISTRY_REQUEST = 64 * 1024;
export const DEFAULT_MAX_REGISTRY_CONNECTIONS = 1024;

/**
 * Longest name, type and address a REGISTER may carry, in characters: with them and
 * maxDevices, a LIST reply is bounded (10,000 devices: under 5 MB).
 */
export const REGISTRY_FIELD_LIMITS = { name: 128, device_type: 64, addr: 256 } as const;

/** A listener of DeviceRegistry's "added" and "removed" events: the device's type, address and name. */
export type DeviceListener = (type: string, addr: string, name: string) => void;

interface Record_ {
  name: string;
  type: string;
  addr: string;
  /** ms since the epoch, whole seconds as in the reference. */
  expires: number;
}

/** `base-N` names: their base and number, so that a freed number can be given again. */
const NUMBERED = /^(.*)-(\d+)$/;

/**
 * A device registry speaking the reference's protocol: REGISTER, UNREGISTER, CHECK_ALIVE
 * (and UNSUPPORTED for anything else), plus our LIST extension. Devices that stop sending
 * alive checks expire and are pruned.
 */
export class DeviceRegistry {
  /** The interface bound (`*`, the default: every one). */
  readonly addr: string;
  /** The port bound: the option's (5555 by default), or once started the one the OS chose for 0. */
  port: number;
  private readonly registrationTimeout: number;
  private readonly socket: Router;
  private readonly byUuid = new Map<string, Record_>();
  /** Indexes, so that a registration costs the same with 5 devices or 5,000. */
  private readonly uuidByName = new Map<string, string>();
  private readonly uuidByAddr = new Map<string, string>();
  /** Per base name, the lowest number that may be free for `base-N` (all below it are taken). */
  private readonly lowestFree = new Map<string, number>();
  private readonly maxDevices: number;
  private readonly maxAliveTimeout: number;
  private readonly listeners = {
    added: new Listeners<Parameters<DeviceListener>>(),
    removed: new Listeners<Parameters<DeviceListener>>(),
  };
  private readonly logger: Logger;
  /** CURVE, when the registry is secured: socket options, and the clients admitted. */
  private readonly security: ServerSecurity;
  private pruneTimer: ReturnType<typeof setInterval> | undefined;
  private serving: Promise<void> | undefined;

  /** A registry, not yet bound (see start()). Throws a TypeError for an unknown option. */
  constructor(options: DeviceRegistryOptions = {}) {
    refuseUnknownOptions(options, REGISTRY_OPTIONS, "DeviceRegistry");
    this.security = serverSecurity(options.curve);
    this.socket = new Router({
      ...this.security.options,
      maxMessageSize: options.maxRequestSize ?? DEFAULT_MAX_REGISTRY_REQUEST,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_REGISTRY_CONNECTIONS,
    });
    this.addr = options.addr ?? "*";
    this.port = options.port ?? DEFAULT_REGISTRY_PORT;
    this.registrationTimeout = options.registrationTimeout ?? REGISTRATION_TIMEOUT;
    this.logger = options.logger ?? processWarningLogger;
    this.maxDevices = options.maxDevices ?? DEFAULT_MAX_DEVICES;
    this.maxAliveTimeout = options.maxAliveTimeout ?? DEFAULT_MAX_ALIVE_TIMEOUT;
  }

  /** The URL clients use (with 127.0.0.1 for a registry bound to every interface). */
  get url(): string {
    const host = this.addr === "*" || this.addr === "0.0.0.0" ? "127.0.0.1" : this.addr;
    return `tcp://${host}:${this.port}`;
  }

  /** A listener that throws is reported to the logger; the registry goes on serving. */
  on(event: "added" | "removed", listener: DeviceListener): this {
    this.listeners[event].add(listener);
    return this;
  }

  /** Binds the registry's port (`port` 0: one the OS chooses, then in `port`) and starts answering. */
  async start(): Promise<void> {
    await this.security.start();
    try {
      await this.socket.bind(`tcp://${this.addr}:${this.port}`);
    } catch (e) {
      await this.security.stop();
      throw e;
    }
    this.port = endpointPort(this.socket.lastEndpoint!);
    this.pruneTimer = setInterval(() => this.prune(), 250);
    this.pruneTimer.unref?.();
    this.serving = this.serve();
  }

  /** Stops answering and closes the port; resolves once the last request is done. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.listeners.added.remove();
    this.listeners.removed.remove();
    this.socket.close();
    await this.serving;
    await this.security.stop();
  }

  /** `await using registry = new DeviceRegistry(...)`: stopped at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** name -> { type, addr } of every registered device. */
  getDevices(): Record<string, DeviceEntry> {
    const out: Record<string, DeviceEntry> = {};
    for (const r of this.byUuid.values()) {
      // An own member whatever the name: `out["__proto__"] = ...` would set the prototype instead.
      const entry = { type: r.type, addr: r.addr };
      Object.defineProperty(out, r.name, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Answers requests, one at a time, until the socket closes. */
  private async serve(): Promise<void> {
    for await (const frames of this.socket) {
      const request = splitEnvelope(frames);
      if (!request?.body[0]) continue;
      let reply: RegistryMessage;
      try {
        reply = this.handle(request.body[0]);
      } catch (e) {
        // One request must not end the loop (and the registry with it): answered, and reported.
        this.logger.warn("the device registry could not handle a request", e);
        reply = { event: "UNSUPPORTED", payload: { req_event: null, error: "the request could not be handled" } };
      }
      await this.socket.send([...request.envelope, encodeBody(reply, "json")]).catch(() => {});
    }
  }

  /** The answer to one request (UNSUPPORTED for what is not a valid one). */
  private handle(body: Uint8Array): RegistryMessage {
    let message: unknown;
    try {
      message = decodeBody(body, "json");
    } catch {
      return { event: "UNSUPPORTED", payload: { req_event: null, error: "request is not valid JSON" } };
    }
    const { event, payload } = (message ?? {}) as { event?: unknown; payload?: unknown };
    const p = (typeof payload === "object" && payload !== null ? payload : {}) as Record<string, unknown>;
    // Uuids are strings: String() of anything else could never name a device (and throws on an
    // object whose toString and valueOf are not functions).
    const uuid = typeof p.uuid === "string" ? p.uuid : "";
    const unsupported = (error?: string) => ({
      event: "UNSUPPORTED",
      payload: { req_event: typeof event === "string" ? event : null, ...(error ? { error } : {}) },
    });
    switch (event) {
      case "REGISTER": {
        if (typeof p.device_type !== "string" || typeof p.addr !== "string") {
          return unsupported('REGISTER needs "device_type" and "addr" strings');
        }
        const name = typeof p.name === "string" ? p.name : "";
        const invalid = invalidField({ name, device_type: p.device_type, addr: p.addr });
        if (invalid) return unsupported(invalid);
        const registered = this.register(p.device_type, p.addr, name, p.overwrite === true);
        if (!registered) return unsupported(`the registry is full (${this.maxDevices} devices)`);
        return { event: "REGISTER_ACK", payload: { name: registered.accepted, uuid: registered.uuid } };
      }
      case "UNREGISTER":
        return { event: "ACK", payload: { req_event: "UNREGISTER", success: this.remove(uuid) } };
      case "CHECK_ALIVE": {
        const record = this.byUuid.get(uuid);
        const asked = p.alive_timeout ?? REGISTRATION_TIMEOUT;
        const timeout = this.aliveTimeout(asked);
        if (record) record.expires = wholeSeconds() + timeout * 1000;
        const payload: Record<string, unknown> = { req_event: "CHECK_ALIVE", success: record !== undefined };
        // Said only when not as asked: the reference's replies carry no such key.
        if (timeout !== asked) payload.alive_timeout = timeout;
        return { event: "ACK", payload };
      }
      case "LIST":
        return { event: "LIST_ACK", payload: { devices: this.getDevices() } };
      default:
        return unsupported();
    }
  }

  /**
   * Seconds a CHECK_ALIVE keeps a device: as asked, cut to maxAliveTimeout; a negative one expires
   * it at once; anything but a number (NaN included, which would never expire) the default.
   */
  private aliveTimeout(asked: unknown): number {
    if (typeof asked !== "number" || Number.isNaN(asked)) return REGISTRATION_TIMEOUT;
    return Math.max(0, Math.min(asked, this.maxAliveTimeout));
  }

  /**
   * The reference's naming and overwrite rules, except that an empty name counts up as <type>-N;
   * undefined when the registry is full.
   */
  private register(
    type: string,
    addr: string,
    proposed: string,
    overwrite: boolean,
  ): { accepted: string; uuid: string } | undefined {
    const sameName = proposed === "" ? undefined : this.uuidByName.get(proposed);
    if (sameName !== undefined && overwrite) this.remove(sameName);
    const sameAddr = this.uuidByAddr.get(addr);
    if (sameAddr !== undefined) this.remove(sameAddr); // one registration per address
    if (this.byUuid.size >= this.maxDevices) return undefined;
    const name = this.freeName(proposed || `${type}-0`, proposed || type);
    this.taken(name);
    const uuid = crypto.randomUUID();
    this.byUuid.set(uuid, { name, type, addr, expires: wholeSeconds() + this.registrationTimeout * 1000 });
    this.uuidByName.set(name, uuid);
    this.uuidByAddr.set(addr, uuid);
    this.fire("added", type, addr, name);
    return { accepted: name, uuid };
  }

  /** `first` when free, else the first free `base-N` (N from 1). */
  private freeName(first: string, base: string): string {
    if (!this.uuidByName.has(first)) return first;
    let n = this.lowestFree.get(base) ?? 1;
    while (this.uuidByName.has(`${base}-${n}`)) n++;
    this.lowestFree.set(base, n + 1);
    return `${base}-${n}`;
  }

  /**
   * A `base-N` name given (proposed as it is, or counted up): numbers below `lowestFree` stay
   * taken, so that a REGISTER never scans numbers already known to be taken. The hints are
   * dropped when they outnumber the devices (each base name of the past would keep one).
   */
  private taken(name: string): void {
    const numbered = NUMBERED.exec(name);
    if (!numbered) return;
    const [, base = "", n] = numbered;
    if (this.lowestFree.get(base) === Number(n)) this.lowestFree.set(base, Number(n) + 1);
    if (this.lowestFree.size > this.maxDevices) this.lowestFree.clear();
  }

  /** Forgets a registration and frees its name; false when the uuid is unknown. */
  private remove(uuid: string): boolean {
    const r = this.byUuid.get(uuid);
    if (!r) return false;
    this.byUuid.delete(uuid);
    this.uuidByName.delete(r.name);
    if (this.uuidByAddr.get(r.addr) === uuid) this.uuidByAddr.delete(r.addr);
    const numbered = NUMBERED.exec(r.name);
    if (numbered) {
      const [, base = "", n] = numbered;
      const lowest = this.lowestFree.get(base);
      if (lowest !== undefined && Number(n) < lowest) this.lowestFree.set(base, Number(n));
    }
    this.fire("removed", r.type, r.addr, r.name);
    return true;
  }

  /** Removes the devices whose last alive check has expired. */
  private prune(): void {
    const now = wholeSeconds();
    for (const [uuid, r] of [...this.byUuid]) if (r.expires < now) this.remove(uuid);
  }

  /** Calls the event's listeners; one that throws is reported to the logger. */
  private fire(event: "added" | "removed", type: string, addr: string, name: string): void {
    const failed = (e: unknown) => this.logger.warn(`a "${event}" listener of the device registry threw`, e);
    this.listeners[event].emitEach(failed, type, addr, name);
  }
}

/** Why a REGISTER's fields are refused, or undefined: too long, or holding control characters. */
function invalidField(fields: Record<keyof typeof REGISTRY_FIELD_LIMITS, string>): string | undefined {
  for (const [key, limit] of Object.entries(REGISTRY_FIELD_LIMITS)) {
    const value = fields[key as keyof typeof REGISTRY_FIELD_LIMITS];
    if (value.length > limit) return `"${key}" is longer than ${limit} characters`;
    // Names reach terminals, logs and pages: no control, line-breaking or direction characters.
    if (hasUnsafeCharacter(value)) return `"${key}" holds control characters`;
  }
  return undefined;
}

function wholeSeconds(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

import type { CurveClientKeys } from "../rpc/curve.js";
import { registerDevice, sendAliveCheck, unregisterDevice } from "./client.js";

/** Options of `registerToRegistry()`: how often the registration is checked, what a silent registry means. */
export interface RegistrationOptions {
  /** Replace a device registered under the same name. Default true, as the reference. */
  overwrite?: boolean;
  /** ms between alive checks. Default 2000 (the reference checks once per serve-loop turn). */
  checkInterval?: number;
  /** ms to wait for each registry answer. Default 5000. */
  checkTimeout?: number;
  /**
   * Stop the server when the registry stays silent for maxUnanswered checks in a row, as the
   * Python reference does. Default false: a device goes on serving while its registry is away,
   * keeps checking, and registers again when the registry is back.
   */
  stopWhenUnreachable?: boolean;
  /** Unanswered checks in a row after which, with stopWhenUnreachable, the server stops. Default 3. */
  maxUnanswered?: number;
  /** The registry serves CURVE: its public key. */
  curve?: CurveClientKeys;
}

type Settings = Required<Omit<RegistrationOptions, "curve">> & Pick<RegistrationOptions, "curve">;

/** What a registration needs from the server it registers (an RPCServer has all of it). */
export interface RegistrableServer {
  /** Binds, so that the address is known. */
  start(): Promise<void>;
  /** The address to register (the server's URL with its port). */
  readonly registeredAddress: string;
  /** Seconds the registry should keep us after each check. */
  readonly aliveTimeout: number;
  /** The name the registry gave us, sent in the inventory ("" when not registered). */
  name: string;
  /** Called when the server stops: the registration unregisters then. */
  onStop(hook: () => unknown): void;
  /** The registry stayed silent too long (with stopWhenUnreachable): the server stops, as the reference does. */
  stopServer(): void;
}

/**
 * Registers a server with a device registry (binding it first if needed), then keeps the
 * registration alive in the background until the server stops. The server's `name` follows the
 * name the registry accepted.
 */
export async function registerToRegistry(
  server: RegistrableServer,
  type: string,
  name: string,
  registryUrl: string,
  options: RegistrationOptions = {},
): Promise<Registration> {
  await server.start();
  const registration = await Registration.create(server, type, name, registryUrl, options);
  server.onStop(() => registration.stop());
  return registration;
}

/**
 * A device's registration, kept alive in the background: alive checks every checkInterval,
 * re-registration (without overwrite) when the registry forgot us, and giving up after
 * maxUnanswered silent checks in a row.
 */
export class Registration {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  private constructor(
    private readonly server: RegistrableServer,
    private readonly type: string,
    /** The registry's URL. */
    readonly url: string,
    /** The name the registry gave; it may change when the registry forgot us and we register again. */
    public name: string,
    /** The registration's id at the registry; a new one each time we register again. */
    public uuid: string,
    private readonly options: Settings,
  ) {}

  /** Registers once and starts the alive checks; see registerToRegistry. */
  static async create(
    server: RegistrableServer,
    type: string,
    name: string,
    url: string,
    options: RegistrationOptions,
  ): Promise<Registration> {
    const opts: Settings = {
      overwrite: options.overwrite ?? true,
      checkInterval: options.checkInterval ?? 2000,
      checkTimeout: options.checkTimeout ?? 5000,
      maxUnanswered: options.maxUnanswered ?? 3,
      stopWhenUnreachable: options.stopWhenUnreachable ?? false,
      curve: options.curve,
    };
    const accepted = await registerDevice(type, server.registeredAddress, name, url, {
      overwrite: opts.overwrite,
      timeout: opts.checkTimeout,
      curve: opts.curve,
    });
    const registration = new Registration(server, type, url, accepted.name, accepted.uuid, opts);
    server.name = accepted.name;
    registration.schedule(0);
    return registration;
  }

  /** Stops the checks and unregisters; resolves true when the registry knew us. */
  stop(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return unregisterDevice(this.uuid, this.url, {
      timeout: this.options.checkTimeout,
      curve: this.options.curve,
    }).catch(() => false);
  }

  /** `await using registration = await registerToRegistry(...)`: unregistered at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** The next alive check, checkInterval from now; `unanswered` counts the silent ones before it. */
  private schedule(unanswered: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(unanswered), this.options.checkInterval);
    this.timer.unref?.();
  }

  /**
   * One alive check: registers again when the registry forgot us, and with stopWhenUnreachable
   * stops the server after maxUnanswered silent checks in a row.
   */
  private async check(unanswered: number): Promise<void> {
    const { checkTimeout, maxUnanswered } = this.options;
    const state = await sendAliveCheck(this.uuid, this.url, this.server.aliveTimeout, {
      timeout: checkTimeout,
      curve: this.options.curve,
    }).catch(() => "unreachable" as const);
    if (this.stopped) return;
    if (state === "ok") return this.schedule(0);
    if (state === "unknown") {
      // The registry restarted and forgot us: register again, without taking anyone's name.
      try {
        const again = await registerDevice(this.type, this.server.registeredAddress, this.name, this.url, {
          overwrite: false,
          timeout: checkTimeout,
          curve: this.options.curve,
        });
        if (this.stopped) return;
        this.name = again.name;
        this.uuid = again.uuid;
        this.server.name = again.name;
        return this.schedule(0);
      } catch {
        return this.schedule(unanswered + 1);
      }
    }
    if (this.options.stopWhenUnreachable && unanswered + 1 >= maxUnanswered) {
      this.stopped = true;
      this.server.name = "";
      this.server.stopServer();
      return;
    }
    this.schedule(unanswered + 1);
  }
}

/** The device registry's wire protocol (protocol-spec/registry.md): `{ event, payload }`. */
export interface RegistryMessage {
  /**
   * A request's `REGISTER`, `UNREGISTER`, `CHECK_ALIVE` or `LIST`; an answer's `ACK`,
   * `REGISTER_ACK`, `LIST_ACK` or `UNSUPPORTED`.
   */
  event: string;
  /** The event's fields (protocol-spec/registry.md). */
  payload: Record<string, unknown>;
}

/** A registered device, as `getDevices()` and LIST report it. */
export interface DeviceEntry {
  /** The device type it registered with. */
  type: string;
  /** The address clients reach it at (`tcp://host:port`). */
  addr: string;
}

/** Seconds a new registration lives before its first alive check (the reference's value). */
export const REGISTRATION_TIMEOUT = 20;
/** The reference's default registry port. */
export const DEFAULT_REGISTRY_PORT = 5555;

/** The device registry's wire protocol (protocol-spec/registry.md): `{ event, payload }`. */
export interface RegistryMessage {
  event: string;
  payload: Record<string, unknown>;
}

/** A registered device, as `getDevices()` and LIST report it. */
export interface DeviceEntry {
  type: string;
  addr: string;
}

/** Seconds a new registration lives before its first alive check (the reference's value). */
export const REGISTRATION_TIMEOUT = 20;
/** The reference's default registry port. */
export const DEFAULT_REGISTRY_PORT = 5555;

export { DeviceRegistry, type DeviceListener, type DeviceRegistryOptions } from "./registry.js";
export {
  registerDevice,
  unregisterDevice,
  sendAliveCheck,
  listDevices,
  UnsupportedByRegistry,
  type RegistryRequestOptions,
} from "./client.js";
export type { DeviceEntry } from "./protocol.js";
export { notifySystemd } from "../common/systemd.js";
export {
  registerToRegistry,
  Registration,
  type RegistrableServer,
  type RegistrationOptions,
} from "./registration.js";

export { Gateway, type GatewayEvent, type GatewayOptions } from "./gateway.js";

export {
  RPCServer,
  type RPCServerOptions,
  type MethodOptions,
  type PropertyOptions,
  type AnyFunction,
  type CallContext,
  type StreamOptions,
} from "./server.js";
export {
  RPCClient,
  type RPCClientOptions,
  type CallOptions,
  type BufferResult,
  type Inventory,
  type RemoteProxy,
  type StreamCallOptions,
} from "./client.js";
export { RPCSignal, type SignalArgType, type SignalListener } from "./signal.js";
export { ConnectionLostError, NoResult, NotAdmittedError, RemoteError, RpcError, RpcTimeoutError } from "./errors.js";
export type { Encoding } from "../common/codec.js";
export type { AllowedKeys, CurveClientKeys, CurveServerKeys } from "./curve.js";
export { type WebAccess, webSocketOptions } from "./web-access.js";
export {
  DEFAULT_METHOD_TIMEOUT_MS,
  type Inventory as InventoryShape,
  inventoryProblems,
  isInventory,
  PLANTRPC_INVENTORY,
  type PlantrpcKey,
  REPLY_KEYS,
  type RpcEventName,
  type RpcRequest,
  RpcEvent,
  type SignalMessage,
} from "./protocol.js";

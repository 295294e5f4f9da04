/**
 * What the layers above (rpc, gateway, web, cli) use of the ZeroMQ layer beyond the `zeromq`
 * API of index.ts: plantrpc's own hooks and helpers, not part of the drop-in surface. Other
 * layers import the ZeroMQ layer through index.ts and this file only (test/layers.test.ts).
 */
export { CONSUME } from "./socket/socket.js";
export { PEER_ALIVE, PEER_GONE } from "./socket/router.js";
export { WATCH } from "./events.js";
export { holdProcess } from "./util/keep-alive.js";
export { z85Decode, z85Encode } from "./mechanism/z85.js";
export { hostName, normalizeOrigin, splitList } from "./transport/ws/ws-origins.js";
export { raceAbort, whenAborted } from "./util/abort.js";
export { addDomainPolicy } from "./auth/shared-authenticator.js";
export { isCurveKeyText } from "./auth/certificate.js";

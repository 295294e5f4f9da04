/** Every socket class; each module defines its own options (see withOptions in options.ts). */
export { Dealer } from "./dealer.js";
export { Pair } from "./pair.js";
export { Pull } from "./pull.js";
export { Push } from "./push.js";
export { Reply } from "./reply.js";
export { Request } from "./request.js";
export { Router } from "./router.js";
export { Stream } from "./stream.js";
export { Publisher, XPublisher } from "./publisher.js";
export { Subscriber, XSubscriber } from "./subscriber.js";

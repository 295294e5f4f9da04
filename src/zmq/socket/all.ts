import { Dealer } from "./dealer.js";
import { installOptions } from "./options.js";
import { Pair } from "./pair.js";
import { Pull } from "./pull.js";
import { Push } from "./push.js";
import { Reply } from "./reply.js";
import { Request } from "./request.js";
import { Router } from "./router.js";
import { SocketConnections } from "./socket-connections.js";
import { Stream } from "./stream.js";
import { zapClient } from "./zap-client.js";
import { Publisher, XPublisher } from "./xpublisher.js";
import { Subscriber, XSubscriber } from "./xsubscriber.js";

// Server-side security mechanisms reach the ZAP handler through this client.
SocketConnections.zapClient = zapClient;

/** Every socket class, with the options of the table (option-table.ts) defined on it. */
installOptions({
  Pair,
  Publisher,
  Subscriber,
  Request,
  Reply,
  Dealer,
  Router,
  Pull,
  Push,
  XPublisher,
  XSubscriber,
  Stream,
});

export { Dealer, Pair, Publisher, Pull, Push, Reply, Request, Router, Stream, Subscriber, XPublisher, XSubscriber };

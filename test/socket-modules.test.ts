/**
 * Each socket class works imported from its own module alone: its options are defined there
 * (no registration elsewhere), and its ZAP client comes through the context.
 */
import { describe, expect, it, vi } from "vitest";

type Module = Record<string, new (o?: object) => object>;

/** Each class's own module (written out: the bundler resolves static import paths only). */
const MODULES: Record<string, () => Promise<unknown>> = {
  Dealer: () => import("../src/zmq/socket/dealer.js"),
  Pair: () => import("../src/zmq/socket/pair.js"),
  Pull: () => import("../src/zmq/socket/pull.js"),
  Push: () => import("../src/zmq/socket/push.js"),
  Reply: () => import("../src/zmq/socket/reply.js"),
  Request: () => import("../src/zmq/socket/request.js"),
  Router: () => import("../src/zmq/socket/router.js"),
  Stream: () => import("../src/zmq/socket/stream.js"),
  Publisher: () => import("../src/zmq/socket/publisher.js"),
  XPublisher: () => import("../src/zmq/socket/publisher.js"),
  Subscriber: () => import("../src/zmq/socket/subscriber.js"),
  XSubscriber: () => import("../src/zmq/socket/subscriber.js"),
};

/** One option of each class's own, besides linger which every class has. */
const OWN_OPTION: Record<string, [string, unknown]> = {
  Dealer: ["routingId", "d"],
  Pair: ["sendHighWaterMark", 7],
  Pull: ["conflate", true],
  Push: ["conflate", true],
  Reply: ["routingId", "r"],
  Request: ["correlate", true],
  Router: ["mandatory", true],
  Stream: ["notify", false],
  Publisher: ["noDrop", true],
  XPublisher: ["manual", true],
  Subscriber: ["invertMatching", true],
  XSubscriber: ["receiveHighWaterMark", 3],
};

describe("socket classes imported alone", () => {
  for (const [name, load] of Object.entries(MODULES)) {
    it(`${name}, from its own module only, takes its options in its constructor and as properties`, async () => {
      vi.resetModules(); // a fresh module graph: nothing but this module and what it imports
      const module = (await load()) as Module;
      const [option, value] = OWN_OPTION[name]!;
      const socket = new module[name]!({ linger: 0, [option]: value }) as Record<string, unknown> & {
        close(): void;
      };
      try {
        expect(socket.linger).toBe(0);
        socket.linger = 5;
        expect(socket.linger).toBe(5);
        expect(() => {
          socket.lingr = 0;
        }).toThrow(TypeError);
        expect(() => new module[name]!({ lingr: 0 })).toThrow(/Cannot add property lingr, object is not extensible/);
      } finally {
        socket.close();
      }
    });
  }
});

import { Publisher, Router } from "../../src/zmq/index.js";

/**
 * A deliberately broken RPC device for `plantrpc check`: its inventory lacks "name", its
 * PROPERTY_GET replies lack "success", it publishes every signal twice, and it never answers the
 * method "hang". Everything else is as the protocol says. With `streams`, it also announces the
 * call extension with a feature that does not exist, and its stream "flood" ignores the window.
 */
export async function startBrokenDevice(options: { streams?: boolean } = {}): Promise<{ url: string; close(): void }> {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:0");
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:0");
  const signalPort = Number(/:(\d+)$/.exec(pub.lastEndpoint!)![1]);
  let tick = 0;
  const ticking = setInterval(() => {
    const message = JSON.stringify({ event: "EMIT_SIGNAL", signal: "tick", args: [tick++], blocking: false });
    void pub.send(message);
    void pub.send(message); // the defect: every emission twice
  }, 100);
  const reply = (envelope: Buffer[], body: unknown) => void router.send([...envelope, JSON.stringify(body)]);
  void (async () => {
    for await (const frames of router) {
      const delimiter = frames.findIndex((f, i) => i > 0 && f.length === 0);
      const envelope = frames.slice(0, delimiter + 1);
      let request: { event?: string; method?: string; params?: { kwargs?: object }; plantrpc?: { stream?: unknown } };
      try {
        request = JSON.parse(String(frames[delimiter + 1]));
      } catch {
        reply(envelope, { success: false, error: "not JSON", traceback: "" });
        continue;
      }
      switch (request.event) {
        case "GET_INVENTORY":
          reply(envelope, {
            json_methods: { add: 1000, hang: 1000 },
            buffer_methods: {},
            signals: ["tick"],
            properties: ["level"],
            ...(options.streams
              ? {
                  name: "",
                  json_methods: { add: 1000, hang: 1000, flood: 1000 },
                  plantrpc: {
                    version: 1,
                    encodings: ["json"],
                    calls: ["stream", "teleport"],
                    streams: { flood: 1000 },
                  },
                }
              : {}),
          });
          break;
        case "INIT_SIGNALS_HANDLING":
          reply(envelope, { success: true, signal_port: signalPort });
          break;
        case "PROPERTY_GET":
          reply(envelope, { value: 3 });
          break;
        case "METHOD_CALL":
          if (request.method === "hang") break;
          if (request.method === "flood" && request.plantrpc?.stream) {
            // The defect: ten items whatever the window.
            for (let i = 0; i < 10; i++) void router.send([...envelope, Buffer.from("I"), JSON.stringify(i)]);
            break;
          }
          if (request.method === "add") {
            const kwargs = Object.keys(request.params?.kwargs ?? {});
            if (kwargs.length) reply(envelope, { success: false, error: `unexpected ${kwargs[0]}`, traceback: "" });
            else reply(envelope, { success: true, result: 42 });
          } else {
            reply(envelope, { success: false, error: `Method ${request.method} not implemented` });
          }
          break;
        default:
          reply(envelope, { success: false, error: "unknown event", traceback: "" });
      }
    }
  })();
  return {
    url: router.lastEndpoint!,
    close() {
      clearInterval(ticking);
      router.close();
      pub.close();
    },
  };
}

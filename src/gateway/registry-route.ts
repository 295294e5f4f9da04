import { decodeBody, encodeBody } from "../common/codec.js";
import type { DeviceEntry, RegistryMessage } from "../registry/protocol.js";
import { Router, splitEnvelope, type Socket, type SocketOptions } from "../zmq/index.js";

/**
 * The registry as pages see it through the gateway, at `<listen>/registry`: LIST only, answered
 * with the devices the gateway relays (what a page can reach). Any other request (REGISTER,
 * UNREGISTER, CHECK_ALIVE) is answered UNSUPPORTED with the reason: a page must not be able to
 * register an address of its choosing and have the gateway open a relay to it.
 */
export class RegistryRoute {
  private readonly socket: Router;
  private serving: Promise<void> | undefined;

  constructor(
    options: SocketOptions<Socket>,
    private readonly devices: () => Record<string, DeviceEntry>,
  ) {
    this.socket = new Router(options);
  }

  /** Binds the route; resolves to the endpoint bound (with its port). */
  async bind(endpoint: string): Promise<string> {
    await this.socket.bind(endpoint);
    this.serving = this.serve();
    return this.socket.lastEndpoint!;
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.serving;
  }

  private async serve(): Promise<void> {
    for await (const frames of this.socket) {
      const request = splitEnvelope(frames);
      if (!request?.body[0]) continue;
      const reply = encodeBody(this.answer(request.body[0]), "json");
      await this.socket.send([...request.envelope, reply]).catch(() => {});
    }
  }

  private answer(body: Uint8Array): RegistryMessage {
    let event: unknown;
    try {
      event = (decodeBody(body, "json") as { event?: unknown } | null)?.event;
    } catch {
      return unsupported(null, "request is not valid JSON");
    }
    if (event === "LIST") return { event: "LIST_ACK", payload: { devices: this.devices() } };
    const name = typeof event === "string" ? event : null;
    return unsupported(name, "the gateway's registry route is read-only: LIST only");
  }
}

function unsupported(event: string | null, error: string): RegistryMessage {
  return { event: "UNSUPPORTED", payload: { req_event: event, error } };
}

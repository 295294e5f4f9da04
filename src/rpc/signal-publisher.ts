import { encodeBody } from "../common/codec.js";
import { endpointPort, Publisher, type Socket, type SocketOptions } from "../zmq/index.js";
import { RpcEvent, type SignalMessage } from "./protocol.js";
import type { RPCSignal } from "./signal.js";

/**
 * A server's signals: one PUB socket, made when the first client asks for signals, bound on a
 * free tcp port (the reference's protocol gives clients that port) and, for a server with a web
 * endpoint, beside it on the same WebSocket port.
 */
export class SignalPublisher {
  private publisher: Publisher | undefined;
  private ready: Promise<number> | undefined;
  private closed = false;

  constructor(
    private readonly security: SocketOptions<Socket>,
    /** Where to bind: the tcp endpoint (port 0), then any ws:// one. */
    private readonly endpoints: () => string[],
  ) {}

  /** Binds on first use; resolves to the tcp port. */
  ensure(): Promise<number> {
    this.ready ??= (async () => {
      const publisher = new Publisher(this.security);
      const [tcp, ...others] = this.endpoints();
      await publisher.bind(tcp!);
      const port = endpointPort(publisher.lastEndpoint!);
      for (const endpoint of others) await publisher.bind(endpoint);
      this.publisher = publisher;
      if (this.closed) publisher.close();
      return port;
    })();
    return this.ready;
  }

  publish(name: string, signal: RPCSignal, args: unknown[]): void {
    if (!this.publisher || this.publisher.closed) return; // no client asked for signals yet
    signal.validateArgs(args);
    const message: SignalMessage = { event: RpcEvent.emitSignal, signal: name, args, blocking: false };
    const body = encodeBody(message, "json");
    void this.publisher.send(body);
  }

  close(): void {
    this.closed = true;
    this.publisher?.close();
  }
}

import type { Buffer } from "node:buffer";
import { decodeBody } from "../common/codec.js";
import type { Logger } from "../util/logger.js";
import { Subscriber, type Socket, type SocketOptions } from "../zmq/index.js";
import { CONSUME } from "../zmq/internal.js";
import { RpcEvent } from "./protocol.js";
import { RPCSignal } from "./signal.js";

/**
 * A client's side of a server's signals: the SUB socket on the server's signal endpoint (a new
 * one after each reconnection) and the listeners, which outlive the sockets.
 */
export class ClientSignals {
  private subscriber: Subscriber | undefined;
  private readonly signals = new Map<string, RPCSignal>();

  constructor(
    private readonly url: string,
    private readonly security: SocketOptions<Socket>,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to everything at `endpoint`, waiting up to `timeout` ms for the connection. */
  async subscribe(endpoint: string, timeout: number): Promise<void> {
    this.subscriber?.close();
    const sub = new Subscriber(this.security);
    this.subscriber = sub;
    sub.subscribe();
    const connected = sub.events.once("handshake");
    sub.connect(endpoint);
    // Signals published before our subscription reaches the server are lost (PUB/SUB):
    // waiting for the connection narrows that window.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([connected, new Promise((r) => (timer = setTimeout(r, timeout)))]);
    clearTimeout(timer);
    sub[CONSUME](([frame]) => this.onPublication(frame!));
  }

  /** The signal of that name, created on first use. */
  signal(name: string): RPCSignal {
    let signal = this.signals.get(name);
    if (!signal) {
      signal = new RPCSignal();
      this.signals.set(name, signal);
    }
    return signal;
  }

  close(): void {
    this.subscriber?.close();
  }

  private onPublication(frame: Buffer): void {
    let message: { event?: unknown; signal?: unknown; args?: unknown };
    try {
      message = decodeBody(frame, "json") as typeof message;
    } catch {
      return; // not ours to judge: a bad publication must not stop the others
    }
    if (message?.event !== RpcEvent.emitSignal || typeof message.signal !== "string") return;
    const args = Array.isArray(message.args) ? message.args : [];
    const name = message.signal;
    this.signals
      .get(name)
      ?.emitEach((e) => this.logger.warn(`a listener of signal ${name} from ${this.url} threw`, e), ...args);
  }
}

import type { Buffer } from "node:buffer";
import { decodeBody } from "../common/codec.js";
import type { Logger } from "../util/logger.js";
import { shownUrl } from "../util/shown-url.js";
import { Subscriber, type Socket, type SocketOptions } from "../zmq/index.js";
import { CONSUME, holdProcess, WATCH } from "../zmq/internal.js";
import { RpcEvent } from "./protocol.js";
import { END_SIGNAL, RPCSignal } from "./signal.js";

/** Arguments a signal may carry (a call spreads them); a publication with more is dropped. */
const MAX_SIGNAL_ARGS = 65_535;
/**
 * A client's side of a server's signals: the SUB socket on the server's signal endpoint (a new
 * one after each reconnection) and the listeners, which outlive the sockets.
 */
export class ClientSignals {
  private subscriber: Subscriber | undefined;
  private readonly signals = new Map<string, RPCSignal>();
  /** Listened-to signals hold the process, as a subscriber being read does (see held()). */
  private release: (() => void) | undefined;
  private closed = false;

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
    const connected = new Promise((resolve) => sub.events[WATCH]("handshake", resolve));
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
      signal = new ListenedSignal(() => this.held());
      this.signals.set(name, signal);
    }
    return signal;
  }

  close(): void {
    this.closed = true;
    for (const signal of this.signals.values()) signal[END_SIGNAL]();
    this.held();
    this.subscriber?.close();
  }

  /** Holds the process while some signal has a listener and the client is open. */
  private held(): void {
    const listened = !this.closed && [...this.signals.values()].some((s) => s.listenerCount > 0);
    if (listened && !this.release) this.release = holdProcess();
    else if (!listened && this.release) {
      this.release();
      this.release = undefined;
    }
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
    if (args.length > MAX_SIGNAL_ARGS) {
      // Spread into a call, that many would throw (RangeError) where no one catches it.
      this.logger.warn(`signal ${name} from ${shownUrl(this.url)} came with ${args.length} arguments: dropped`);
      return;
    }
    this.signals
      .get(name)
      ?.emitEach((e) => this.logger.warn(`a listener of signal ${name} from ${shownUrl(this.url)} threw`, e), ...args);
  }
}

/** A client's signal: it reports when its listeners come and go (for ClientSignals.held()). */
class ListenedSignal extends RPCSignal {
  constructor(private readonly changed: () => void) {
    super();
  }

  override connect(listener: (...args: unknown[]) => unknown): void {
    super.connect(listener);
    this.changed();
  }

  override disconnect(listener?: (...args: unknown[]) => unknown): void {
    super.disconnect(listener);
    this.changed();
  }
}

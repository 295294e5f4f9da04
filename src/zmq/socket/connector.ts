import type { Carrier, ConnectOptions } from "../transport/carrier.js";
import { parseEndpoint, transportFor } from "../transport/index.js";
import { unref } from "../util/timers.js";

/** What a connector needs from its session. */
export interface ConnectorHost {
  /** The socket's current options (read at each attempt, so changes apply). */
  readonly settings: {
    reconnectInterval(): number;
    reconnectMaxInterval(): number;
    closed(): boolean;
  };
  /** The transport connected: start the ZMTP engine on it. */
  connected(connector: Connector, carrier: Carrier): void;
  /** The settings of the next attempt (connectTimeout, keepalive). */
  connectOptions(): ConnectOptions;
  /** An attempt is under way (libzmq's CONNECT_DELAYED). */
  attempting(connector: Connector): void;
  /** An attempt failed: its connection is closed (libzmq's CLOSED). */
  failed(connector: Connector): void;
  /** An attempt failed or a connection broke: the next attempt is in `interval` ms. */
  retrying(connector: Connector, interval: number): void;
}

/**
 * The attempts of one connect()ed endpoint, for its session (session.ts): connection attempts
 * and reconnection with exponential backoff (reconnectInterval, doubling up to
 * reconnectMaxInterval when that is larger).
 */
export class Connector {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private interval: number;
  private stopped = false;
  private inFlight = false;
  /** See lastAttempt(). */
  private lingering = false;
  /** The attempt under way, to give up when stopped (an inproc connect waits for its bind). */
  private attempts: AbortController | undefined;

  constructor(
    readonly endpoint: string,
    private readonly host: ConnectorHost,
  ) {
    this.interval = host.settings.reconnectInterval();
  }

  get active(): boolean {
    return !this.stopped && !this.host.settings.closed();
  }

  /** An attempt is under way (not waiting for a retry). */
  get attempting(): boolean {
    return this.inFlight;
  }

  /**
   * The socket closed while messages wait for this peer: the attempt under way may still
   * connect (they are then written, per `linger`), but none other is made.
   */
  lastAttempt(): void {
    this.lingering = true;
    if (this.timer) clearTimeout(this.timer);
  }

  attempt(): void {
    const { scheme, address } = parseEndpoint(this.endpoint);
    // Only TCP connects are in progress for a while (libzmq reports CONNECT_DELAYED for them).
    if (scheme === "tcp") this.host.attempting(this);
    this.attempts = new AbortController();
    this.inFlight = true;
    transportFor(scheme)
      .connect(address, { ...this.host.connectOptions(), signal: this.attempts.signal })
      .then(
        (carrier) => {
          this.inFlight = false;
          if (this.stopped || (!this.active && !this.lingering)) {
            carrier.destroy();
            return;
          }
          this.host.connected(this, carrier);
        },
        () => {
          this.inFlight = false;
          if (!this.active) return;
          this.host.failed(this);
          this.scheduleReconnect();
        },
      );
  }

  /** After a completed handshake, the next disconnection starts again from the first delay. */
  resetBackoff(): void {
    this.interval = this.host.settings.reconnectInterval();
  }

  scheduleReconnect(): void {
    const base = this.host.settings.reconnectInterval();
    if (base < 0 || !this.active) return;
    // As libzmq: a random part of up to one base interval, so that many peers cut off together
    // do not all come back in the same instant.
    const delay = this.interval + Math.floor(Math.random() * base);
    const max = this.host.settings.reconnectMaxInterval();
    this.interval = max > base ? Math.min(this.interval * 2, max) : base;
    this.host.retrying(this, delay);
    // The next attempt does not keep the process running by itself (a waiting send does).
    this.timer = unref(
      setTimeout(() => {
        this.timer = undefined;
        if (this.active) this.attempt();
      }, delay),
    );
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // Only an attempt under way has something to stop: aborting makes a DOMException, whose
    // stack costs as much as a key agreement in a loop of short-lived sockets.
    if (this.inFlight) this.attempts?.abort();
    this.attempts = undefined;
  }
}

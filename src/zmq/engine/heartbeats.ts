import { ZmqError } from "../errors.js";
import { unref } from "../util/timers.js";

/** What heartbeats need from the connection they watch. */
export interface HeartbeatLink {
  /** Queues a PING with this TTL (in tenths of a second, as on the wire) and flushes it soon. */
  sendPing(ttlDeciseconds: number): void;
  /** The connection is dead: no traffic within the time allowed. */
  dead(error: ZmqError): void;
}

/**
 * ZMTP 3.1 heartbeats of one connection (RFC 37): our PINGs every interval, a deadline after
 * each for any traffic at all, and the peer's own TTL, announced in its PINGs. Timers are unref'd:
 * heartbeats never keep a process alive.
 */
export class Heartbeats {
  /** When the last octet arrived (ms since the epoch): any traffic is a sign of life. */
  lastReceived = Date.now();
  private interval: ReturnType<typeof setInterval> | undefined;
  private pingTimeout: ReturnType<typeof setTimeout> | undefined;
  private peerTtl: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly link: HeartbeatLink) {}

  /** Traffic arrived. */
  received(): void {
    this.lastReceived = Date.now();
  }

  /** PINGs every `interval` ms; `timeout` ms without traffic after one ends the connection. */
  start(interval: number, timeout: number, ttlMs: number): void {
    const ttl = Math.max(0, ttlMs) / 100;
    this.interval = unref(setInterval(() => this.ping(ttl, timeout), interval));
  }

  /** As libzmq: a PING followed by no traffic at all for `timeout` ms means the peer is gone. */
  private ping(ttl: number, timeout: number): void {
    const sentAt = Date.now();
    this.link.sendPing(ttl);
    // One deadline at a time: while a PING is unanswered, later ones need no deadline of their own.
    if (this.pingTimeout) return;
    this.pingTimeout = unref(
      setTimeout(() => {
        this.pingTimeout = undefined;
        if (this.lastReceived < sentAt) {
          this.link.dead(new ZmqError("ETIMEDOUT", `no traffic for ${timeout} ms after a PING`));
        }
      }, timeout),
    );
  }

  /** The peer's PING TTL: no traffic at all for that long means the connection is dead. */
  peerAnnouncedTtl(ms: number): void {
    if (this.peerTtl) clearTimeout(this.peerTtl);
    const check = () => {
      const idle = Date.now() - this.lastReceived;
      if (idle >= ms) this.link.dead(new ZmqError("ETIMEDOUT", `no traffic within the peer's ${ms} ms TTL`));
      else this.peerTtl = unref(setTimeout(check, ms - idle));
    };
    this.peerTtl = unref(setTimeout(check, ms));
  }

  stop(): void {
    clearInterval(this.interval);
    clearTimeout(this.pingTimeout);
    clearTimeout(this.peerTtl);
    this.interval = this.pingTimeout = this.peerTtl = undefined;
  }
}

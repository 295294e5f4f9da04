import { Listeners } from "../util/listeners.js";
import type { ZmqError } from "./errors.js";

export type SocketEventType =
  | "bind"
  | "unbind"
  | "accept"
  | "connect"
  | "connect:retry"
  | "disconnect"
  | "handshake"
  | "handshake:error:protocol"
  | "handshake:error:other"
  | "error:protocol"
  | "close"
  | "end";

export interface SocketEvent {
  type: SocketEventType;
  /** The endpoint (bind, connect) or the peer's address (accept, disconnect, errors). */
  address: string;
  error?: ZmqError;
  /** For connect:retry, the delay before the next attempt. */
  interval?: number;
}

type Listener = (event: SocketEvent) => void;

/**
 * A socket's events, usable both ways: `events.on("handshake", fn)` or
 * `for await (const event of socket.events)`. Events are kept for an async reader only once
 * one has started reading, so an unread event stream costs nothing.
 */
export class SocketEvents implements AsyncIterable<SocketEvent> {
  private readonly listeners = new Map<string, Listeners<[SocketEvent]>>();
  private buffered: SocketEvent[] = [];
  private readers: Array<(r: IteratorResult<SocketEvent>) => void> = [];
  private iterating = false;
  private ended = false;

  on(type: SocketEventType | "*", listener: Listener): this {
    let list = this.listeners.get(type);
    if (!list) {
      list = new Listeners();
      this.listeners.set(type, list);
    }
    list.add(listener);
    return this;
  }

  off(type: SocketEventType | "*", listener: Listener): this {
    this.listeners.get(type)?.remove(listener);
    return this;
  }

  /** Resolves with the next event of that type. */
  once(type: SocketEventType): Promise<SocketEvent> {
    return new Promise((resolve) => {
      const fn: Listener = (e) => {
        this.off(type, fn);
        resolve(e);
      };
      this.on(type, fn);
    });
  }

  emit(event: SocketEvent): void {
    if (this.ended) return;
    this.listeners.get(event.type)?.emit(event);
    this.listeners.get("*")?.emit(event);
    if (!this.iterating) return;
    const reader = this.readers.shift();
    if (reader) reader({ value: event, done: false });
    else if (this.buffered.length < 1000) this.buffered.push(event);
  }

  /** Called when the socket is closed, after its "end" event. */
  close(): void {
    this.ended = true;
    for (const r of this.readers.splice(0)) r({ value: undefined, done: true });
  }

  receive(): Promise<SocketEvent | undefined> {
    this.iterating = true;
    const next = this.buffered.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.readers.push((r) => resolve(r.done ? undefined : r.value)));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    for (;;) {
      const e = await this.receive();
      if (!e) return;
      yield e;
    }
  }
}

import type { Buffer } from "node:buffer";
import { decodeBody, encodeBody, type Encoding } from "../common/codec.js";
import { type CurveClientKeys, clientSocketOptions } from "../rpc/curve.js";
import { Dealer, Request, type Socket, type SocketOptions, Subscriber } from "../zmq/index.js";
import { WATCH } from "../zmq/internal.js";
import { RpcEvent } from "../rpc/protocol.js";
import { signalsEndpoint } from "../rpc/url.js";
import { watchHandshakeTrouble } from "../rpc/handshake-trouble.js";

/** A signal as a subscriber received it, and when (performance.now()). */
export interface ReceivedSignal {
  signal: string;
  args: unknown;
  at: number;
}

/** What a device answered to one request: its frames, or nothing within the time allowed. */
export type Answer = { frames: Buffer[]; body: unknown } | { timedOut: true; why?: string };

/**
 * Talks to a device the way the simplest client does: a fresh REQ per request (so a request that
 * is never answered wedges nothing), frames as they come, no interpretation.
 */
export class Probe {
  /** Every JSON reply seen, with the request that caused it, for the reply-keys check. */
  readonly replies: Array<{ event: string; reply: unknown }> = [];
  private readonly subscribers: Subscriber[] = [];

  /** The socket options for a CURVE device (its public key, and our pair if given). */
  private readonly security: SocketOptions<Socket>;
  /** Whether the device is reached over CURVE (for what a failed handshake means). */
  private readonly curve: boolean;

  constructor(
    readonly url: string,
    readonly timeout: number,
    curve?: CurveClientKeys,
  ) {
    this.security = clientSocketOptions(curve);
    this.curve = curve !== undefined;
  }

  /** Sends one request body (an object, or raw bytes); resolves with the answer. */
  async ask(request: object | Uint8Array, encoding: Encoding = "json", timeout = this.timeout): Promise<Answer> {
    const req = new Request({ ...this.security, receiveTimeout: timeout, sendTimeout: timeout, linger: 0 });
    const trouble = watchHandshakeTrouble(req.events, this.curve);
    try {
      req.connect(this.url);
      await req.send(request instanceof Uint8Array ? request : encodeBody(request, encoding));
      const frames = await req.receive();
      let body: unknown;
      try {
        body = decodeBody(frames[0]!);
      } catch {
        body = undefined;
      }
      if (!(request instanceof Uint8Array)) {
        this.replies.push({ event: String((request as { event?: unknown }).event), reply: body });
      }
      return { frames, body };
    } catch (e) {
      if ((e as { code?: string }).code === "EAGAIN") {
        const why = trouble();
        return why === undefined ? { timedOut: true } : { timedOut: true, why };
      }
      throw e;
    } finally {
      req.close();
    }
  }

  /**
   * A DEALER connected to the device, as a plantrpc client talks (a request id in front of each
   * request); `receive({ timeout })` gives up with EAGAIN. The caller closes it.
   */
  dealer(): {
    send(frames: Buffer[]): Promise<void>;
    receive(options?: { timeout?: number }): Promise<Buffer[]>;
    close(): void;
  } {
    const dealer = new Dealer({ ...this.security, linger: 0 });
    dealer.connect(this.url);
    return {
      send: (frames) => dealer.send(frames),
      receive: ({ timeout = this.timeout } = {}) => {
        dealer.receiveTimeout = timeout;
        return dealer.receive();
      },
      close: () => dealer.close(),
    };
  }

  /** Sends a request and walks away without reading the reply (a client that timed out). */
  async abandon(request: object): Promise<void> {
    const req = new Request({ ...this.security, linger: 0 });
    req.connect(this.url);
    await req.send(encodeBody(request, "json"));
    await new Promise((r) => setTimeout(r, 50));
    req.close();
  }

  /**
   * A subscriber as a client makes one: INIT_SIGNALS_HANDLING, then SUB on the signal port at
   * the device's host. Resolves once connected; `received` lists each signal as it arrives.
   */
  async subscribe(): Promise<{ received: ReceivedSignal[] } | undefined> {
    const answer = await this.ask({ event: RpcEvent.initSignals });
    if ("timedOut" in answer) return undefined;
    const port = (answer.body as { signal_port?: unknown })?.signal_port;
    if (typeof port !== "number") return undefined;
    const sub = new Subscriber({ ...this.security, linger: 0 });
    this.subscribers.push(sub);
    sub.subscribe();
    const connected = new Promise((resolve) => sub.events[WATCH]("handshake", resolve));
    sub.connect(signalsEndpoint(this.url, port));
    await Promise.race([connected, new Promise((r) => setTimeout(r, this.timeout))]);
    const received: ReceivedSignal[] = [];
    void (async () => {
      for await (const [frame] of sub) {
        try {
          const m = JSON.parse(String(frame)) as { signal?: unknown; args?: unknown };
          received.push({ signal: String(m.signal), args: m.args, at: performance.now() });
        } catch {
          received.push({ signal: "(not JSON)", args: String(frame), at: performance.now() });
        }
      }
    })();
    return { received };
  }

  close(): void {
    for (const s of this.subscribers) s.close();
  }
}

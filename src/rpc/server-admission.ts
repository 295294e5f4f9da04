/**
 * How many requests a device serves at once (maxConcurrentCalls), and what it reads meanwhile
 * (protocol-spec/rpc.md, section 8): past the limit, requests wait here (a few, bounded in number
 * and octets) and then reading stops, leaving the rest in ZeroMQ's queues; CANCEL and
 * STREAM_CREDIT are served at once whatever the count, so that a device serving one call at a
 * time (a motor) can still be told to stop it. A stream waiting for its reader's credit is not
 * counted.
 */
import type { Buffer } from "node:buffer";
import { decodeBody } from "../common/codec.js";
import { splitEnvelope } from "../zmq/index.js";
import { RpcEvent } from "./protocol.js";

/** Requests read past the limit before reading stops, and their octets. */
const MAX_WAITING = 64;
const MAX_WAITING_BYTES = 64 * 1024 * 1024;
/** A control request is small: a larger body is not looked into. */
const CONTROL_SIZE = 512;

export class RequestAdmission {
  private active = 0;
  private readonly waiting: Buffer[][] = [];
  private waitingBytes = 0;
  private paused = false;

  constructor(
    private readonly max: number,
    /** Serves one request; resolves once it is answered. */
    private readonly serve: (frames: Buffer[]) => Promise<void>,
    /** Stops reading requests (true), or reads again (false). */
    private readonly pause: (paused: boolean) => void,
  ) {}

  /** A request read from the socket. */
  take(frames: Buffer[]): void {
    if (this.active < this.max) {
      this.run(frames);
      return;
    }
    if (isControl(frames)) {
      void this.serve(frames);
      return;
    }
    this.waiting.push(frames);
    this.waitingBytes += size(frames);
    if (!this.paused && (this.waiting.length >= MAX_WAITING || this.waitingBytes >= MAX_WAITING_BYTES)) {
      this.paused = true;
      this.pause(true);
    }
  }

  /** A stream waits for credit: its place goes to another request meanwhile. */
  streamWaiting(): void {
    this.active--;
    this.drain();
  }

  /** A stream goes on (it may take the count past the limit for a while). */
  streamGoing(): void {
    this.active++;
  }

  private run(frames: Buffer[]): void {
    this.active++;
    const finished = () => {
      this.active--;
      this.drain();
    };
    this.serve(frames).then(finished, finished);
  }

  /** Serves what waits while there is room; reads again once little waits. */
  private drain(): void {
    while (this.active < this.max && this.waiting.length > 0) {
      const frames = this.waiting.shift()!;
      this.waitingBytes -= size(frames);
      this.run(frames);
    }
    if (this.paused && this.waiting.length < MAX_WAITING / 2 && this.waitingBytes < MAX_WAITING_BYTES / 2) {
      this.paused = false;
      this.pause(false);
    }
  }
}

function size(frames: Buffer[]): number {
  let n = 0;
  for (const f of frames) n += f.length;
  return n;
}

/** Whether a request is a CANCEL or a STREAM_CREDIT (decoded: a name in the arguments is not one). */
function isControl(frames: Buffer[]): boolean {
  const body = splitEnvelope(frames)?.body[0];
  if (!body || body.length > CONTROL_SIZE) return false;
  try {
    const event = (decodeBody(body) as { event?: unknown } | null)?.event;
    return event === RpcEvent.cancel || event === RpcEvent.streamCredit;
  } catch {
    return false;
  }
}

import { holdProcess } from "../util/keep-alive.js";

/** What the exit wait needs from a socket. */
export interface Lingering {
  /** Messages queued for peers and not yet written. */
  queuedMessages(): number;
  /** ms to wait for them; -1 for as long as it takes, 0 not at all. */
  lingerMs(): number;
}

const open = new Set<Lingering>();
/** When each socket's wait ends (set on the first wait; a socket past it is not waited for again). */
const deadlines = new Map<Lingering, number>();
let installed = false;
let warned = false;
let waiting = false;

/** How often the queues are looked at while the process waits for them. */
const CHECK_MS = 10;
/** A wait longer than this is said on stderr (the native package's threshold). */
const WARN_AFTER_MS = 500;

/**
 * At exit, as the native package does (libzmq's context termination): while open sockets still
 * hold messages for their peers, the process waits for them, per each socket's `linger` (-1, the
 * default of a blocky context: until delivered), saying so once on stderr.
 */
export function trackForExit(socket: Lingering): void {
  open.add(socket);
  const proc = (globalThis as { process?: { on?(event: string, fn: () => void): void } }).process;
  if (installed || !proc?.on) return;
  installed = true;
  proc.on("beforeExit", waitForQueues);
}

export function untrackForExit(socket: Lingering): void {
  open.delete(socket);
  deadlines.delete(socket);
}

function waitForQueues(): void {
  if (waiting) return;
  const now = Date.now();
  const lingering = [...open].filter(
    (s) => s.lingerMs() !== 0 && s.queuedMessages() > 0 && (deadlines.get(s) ?? Infinity) > now,
  );
  if (lingering.length === 0) return;
  for (const s of lingering) {
    if (!deadlines.has(s)) deadlines.set(s, s.lingerMs() < 0 ? Infinity : now + s.lingerMs());
  }
  waiting = true;
  const release = holdProcess();
  const started = now;
  const check = setInterval(() => {
    const at = Date.now();
    if (lingering.some((s) => s.queuedMessages() > 0 && (deadlines.get(s) ?? Infinity) > at)) {
      if (at - started >= WARN_AFTER_MS) warnOnce();
      return;
    }
    clearInterval(check);
    waiting = false;
    release();
  }, CHECK_MS);
}

function warnOnce(): void {
  if (warned) return;
  warned = true;
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid;
  console.error(
    `(node:${pid}) WARNING: Waiting for queued ZeroMQ messages to be delivered. Set 'context.blocky = false' to change this behaviour.`,
  );
}

import { isMainThread } from "node:worker_threads";
import { ZmqError } from "../errors.js";
import type { Carrier } from "./carrier.js";
import { type Channel, ChannelCarrier, type ChannelMessage, hasChannels, openChannel } from "./channel-carrier.js";

/**
 * inproc:// across threads (worker threads, Web Workers): libzmq's context is process-wide, so
 * an endpoint bound in one thread is reachable from the others. Each thread that uses inproc
 * joins a directory on a BroadcastChannel: it announces what it binds, learns what the others
 * bound, and asks the owner of a name for a connection, which then runs on a channel of its own
 * (channel-carrier.ts). Within one thread, inproc.ts keeps its direct, shared-memory path.
 */

const DIRECTORY = "plantrpc:inproc:directory:1";
const CONNECTION_PREFIX = "plantrpc:inproc:connection:";
/**
 * How long a worker's directory takes to learn the names bound before it joined: the threads
 * already there answer its hello on their next turn. (The main thread joins first, as a rule.)
 */
const SETTLE_MS = 20;
/** How long a connect waits for the owning thread to answer (it may be busy, or gone). */
const ANSWER_WAIT = 2000;

type DirectoryMessage =
  | { t: "hello"; from: string }
  | { t: "bound"; from: string; name: string; at: number }
  | { t: "unbound"; from: string; name: string }
  | { t: "connect"; from: string; to: string; name: string; conn: string }
  | { t: "bye"; from: string };

/** What this thread has bound (inproc.ts's table), as the directory needs to see it. */
export interface LocalBindings {
  /** When the name was bound here, and where its connections go; undefined when not bound. */
  lookup(name: string): { at: number; accept(carrier: Carrier): void } | undefined;
  names(): Iterable<[string, number]>;
  /** Another thread announced `name`: connects waiting for it go on. */
  announced(name: string): void;
}

interface Owner {
  thread: string;
  at: number;
}

let idCounter = 0;
function newId(): string {
  idCounter += 1;
  return `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}.${idCounter}`;
}

function warn(message: string): void {
  (globalThis as { process?: { emitWarning?(m: string): void } }).process?.emitWarning?.(message);
}

/** Whether (a, b) was bound before (c, d): the earlier binding wins, as libzmq's second bind fails. */
function earlier(at: number, thread: string, other: Owner): boolean {
  return at < other.at || (at === other.at && thread < other.thread);
}

class ThreadDirectory {
  readonly id = newId();
  private readonly channel: Channel;
  private readonly remote = new Map<string, Owner>();
  private readonly carriers = new Set<ChannelCarrier>();
  private readonly forget = (carrier: ChannelCarrier): void => {
    this.carriers.delete(carrier);
  };

  /** Until then, a bind here may not yet know what the threads already there have bound. */
  private readonly settledAt = Date.now() + (isMainThread ? 0 : SETTLE_MS);

  constructor(private readonly local: LocalBindings) {
    this.channel = openChannel(DIRECTORY, (message) => this.handle(message as DirectoryMessage));
    this.post({ t: "hello", from: this.id });
    onThreadExit(() => this.leave());
  }

  /**
   * Resolves once the threads already running have had time to answer this one's hello, so that
   * a worker's first bind of a name bound elsewhere fails as a second bind does.
   */
  settled(): Promise<void> | undefined {
    const wait = this.settledAt - Date.now();
    if (wait <= 0) return undefined;
    return new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** A name bound elsewhere, known from the announcements; a bind here then fails as a second bind. */
  ownerOf(name: string): Owner | undefined {
    return this.remote.get(name);
  }

  announce(name: string, at: number): void {
    this.post({ t: "bound", from: this.id, name, at });
  }

  withdraw(name: string): void {
    this.post({ t: "unbound", from: this.id, name });
  }

  async connect(name: string): Promise<Carrier> {
    const owner = this.remote.get(name);
    if (!owner) throw new ZmqError("ECONNRESET", `inproc://${name} is not bound`);
    const conn = newId();
    return new Promise<Carrier>((resolve, reject) => {
      const timer = setTimeout(() => {
        channel.close();
        reject(new ZmqError("ECONNRESET", `inproc://${name}: the thread that bound it does not answer`));
      }, ANSWER_WAIT);
      (timer as { unref?: () => void }).unref?.();
      const channel = openChannel(CONNECTION_PREFIX + conn, (message) => {
        clearTimeout(timer);
        if ((message as ChannelMessage).t !== "open") {
          channel.close();
          reject(new ZmqError("ECONNRESET", `inproc://${name} is not bound`));
          return;
        }
        resolve(this.track(new ChannelCarrier(channel, `inproc://${name}`, this.forget)));
      });
      this.post({ t: "connect", from: this.id, to: owner.thread, name, conn });
    });
  }

  private handle(message: DirectoryMessage): void {
    switch (message.t) {
      case "hello":
        for (const [name, at] of this.local.names()) this.announce(name, at);
        break;
      case "bound":
        this.learn(message.name, { thread: message.from, at: message.at });
        break;
      case "unbound":
        if (this.remote.get(message.name)?.thread === message.from) this.remote.delete(message.name);
        break;
      case "connect":
        if (message.to === this.id) this.accept(message.name, message.conn);
        break;
      case "bye":
        for (const [name, owner] of this.remote) if (owner.thread === message.from) this.remote.delete(name);
        break;
      default:
        break;
    }
  }

  private learn(name: string, owner: Owner): void {
    const mine = this.local.lookup(name);
    if (mine && earlier(owner.at, owner.thread, { thread: this.id, at: mine.at })) {
      warn(`inproc://${name} was bound in another thread first: connections from other threads go there`);
    }
    const known = this.remote.get(name);
    if (!known || earlier(owner.at, owner.thread, known)) this.remote.set(name, owner);
    this.local.announced(name);
  }

  private accept(name: string, conn: string): void {
    const binding = this.local.lookup(name);
    const channel = openChannel(CONNECTION_PREFIX + conn, () => {});
    if (!binding) {
      channel.postMessage({ t: "refuse" } satisfies ChannelMessage);
      channel.close();
      return;
    }
    const carrier = this.track(new ChannelCarrier(channel, `inproc://${name}`, this.forget));
    channel.postMessage({ t: "open" } satisfies ChannelMessage);
    binding.accept(carrier);
  }

  private track(carrier: ChannelCarrier): ChannelCarrier {
    this.carriers.add(carrier);
    return carrier;
  }

  /** The thread ends: its peers see its connections close, and its names go. */
  private leave(): void {
    for (const carrier of [...this.carriers]) carrier.destroy();
    this.post({ t: "bye", from: this.id });
  }

  private post(message: DirectoryMessage): void {
    try {
      this.channel.postMessage(message);
    } catch {
      // The thread is being torn down; nothing more can be said.
    }
  }
}

/** Where the runtime tells a thread (or process) that it ends; absent in web pages. */
/**
 * Runs `leave` when this thread ends. One listener per thread, whatever the number of copies of
 * this module loaded (the package's two builds, a test runner's fresh module graph per file):
 * a listener each would pile up past Node's MaxListeners warning.
 */
function onThreadExit(leave: () => void): void {
  const host = globalThis as {
    [EXIT_HOOKS]?: Set<() => void>;
    process?: { once?(event: string, fn: () => void): void };
  };
  let hooks = host[EXIT_HOOKS];
  if (!hooks) {
    const all = new Set<() => void>();
    hooks = all;
    host[EXIT_HOOKS] = all;
    host.process?.once?.("exit", () => {
      for (const hook of all) hook();
    });
  }
  hooks.add(leave);
}

const EXIT_HOOKS = Symbol.for("plantrpc.zmq.threadExitHooks");

let directory: ThreadDirectory | undefined | null;

/** This thread's place in the directory, joined on first use; undefined without BroadcastChannel. */
export function threadDirectory(local: LocalBindings): ThreadDirectory | undefined {
  if (directory === undefined) {
    directory = hasChannels() ? new ThreadDirectory(local) : null;
  }
  return directory ?? undefined;
}

import { Queue } from "../util/queue.js";

/**
 * libzmq's fair queueing (its `fq_t`): each source (a peer's pipe) has its own queue, and reading
 * takes one message from each source with messages in turn, so that a peer that floods cannot
 * keep the others' messages behind its own. A source's messages keep their order.
 *
 * Queues are kept per source in a WeakMap: a source that sends in a steady stream reuses its queue
 * (no allocation per message), and a source that is gone takes its queue with it.
 */
export class FairQueue<Source extends object, Item> {
  private queues = new WeakMap<Source, Queue<Item>>();
  /** The last source pushed to and its queue: a steady stream from one peer skips the WeakMap. */
  private lastSource: Source | undefined;
  private lastQueue: Queue<Item> | undefined;
  /** The sources with items waiting, the next one to read first. */
  private readonly turn = new Queue<Source>();
  private count = 0;

  /** Items waiting, from every source. */
  get length(): number {
    return this.count;
  }

  push(source: Source, item: Item): void {
    let queue = source === this.lastSource ? this.lastQueue! : this.queues.get(source);
    if (!queue) {
      queue = new Queue<Item>();
      this.queues.set(source, queue);
    }
    this.lastSource = source;
    this.lastQueue = queue;
    if (queue.length === 0) this.turn.push(source);
    queue.push(item);
    this.count++;
  }

  /** The next item, from the source whose turn it is; that source then goes to the back of the line. */
  shift(): Item | undefined {
    const source = this.turn.peek();
    if (source === undefined) return undefined;
    const queue = source === this.lastSource ? this.lastQueue! : this.queues.get(source)!;
    const item = queue.shift() as Item;
    this.count--;
    // Its turn ends: out of the line when it has no more, else to the back (if others wait).
    if (queue.length === 0) this.turn.shift();
    else if (this.turn.length > 1) this.turn.push(this.turn.shift()!);
    return item;
  }

  /** Drops every item of one source (conflate keeps only a peer's newest message). */
  dropSource(source: Source): number {
    const queue = this.queues.get(source);
    const dropped = queue?.length ?? 0;
    if (dropped === 0) return 0;
    queue!.clear();
    this.count -= dropped;
    this.turn.removeWhere((s) => s === source);
    return dropped;
  }

  clear(): void {
    this.queues = new WeakMap();
    this.lastSource = undefined;
    this.lastQueue = undefined;
    this.turn.clear();
    this.count = 0;
  }
}

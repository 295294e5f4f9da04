import { Queue } from "../util/queue.js";

/**
 * libzmq's fair queueing (its `fq_t`): each source (a peer's pipe) has its own queue, and reading
 * takes one message from each source with messages in turn, so that a peer that floods cannot
 * keep the others' messages behind its own. A source's messages keep their order.
 *
 * While one source alone has items waiting (a steady stream from one peer, the common case) they
 * wait in one plain queue, at the cost of a queue; a queue per source and the line of sources
 * exist only while several sources have items waiting.
 */
export class FairQueue<Source extends object, Item> {
  /** The items of the one source with items waiting (every item, when `shared` is unset). */
  private readonly solo = new Queue<Item>();
  private soloSource: Source | undefined;
  /** While several sources have items waiting: a queue per source (the solo one among them). */
  private shared: Map<Source, Queue<Item>> | undefined;
  /** The sources with items waiting, the next one to read first (while `shared` is set). */
  private readonly turn = new Queue<Source>();
  private count = 0;

  /** Items waiting, from every source. */
  get length(): number {
    return this.count;
  }

  push(source: Source, item: Item): void {
    if (this.shared === undefined) {
      if (this.count === 0) this.soloSource = source;
      if (source === this.soloSource) {
        this.solo.push(item);
        this.count++;
        return;
      }
      // A second source: from now on, each its own queue, read in turn.
      const first = this.soloSource!;
      this.shared = new Map([[first, this.solo]]);
      this.turn.push(first);
    }
    let queue = this.shared.get(source);
    if (!queue) {
      queue = new Queue<Item>();
      this.shared.set(source, queue);
    }
    if (queue.length === 0) this.turn.push(source);
    queue.push(item);
    this.count++;
  }

  /** The next item, from the source whose turn it is; that source then goes to the back of the line. */
  shift(): Item | undefined {
    if (this.count === 0) return undefined;
    this.count--;
    if (this.shared === undefined) return this.solo.shift();
    const source = this.turn.peek()!;
    const queue = this.shared.get(source)!;
    const item = queue.shift();
    // Its turn ends: out of the line when it has no more, else to the back (if others wait).
    if (queue.length === 0) this.turn.shift();
    else if (this.turn.length > 1) this.turn.push(this.turn.shift()!);
    if (this.count === 0) this.endShared();
    return item;
  }

  /** Drops every item of one source (conflate keeps only a peer's newest message). */
  dropSource(source: Source): number {
    const queue = this.shared ? this.shared.get(source) : source === this.soloSource ? this.solo : undefined;
    const dropped = queue?.length ?? 0;
    if (dropped === 0) return 0;
    queue!.clear();
    this.count -= dropped;
    if (this.shared) {
      this.turn.removeWhere((s) => s === source);
      if (this.count === 0) this.endShared();
    }
    return dropped;
  }

  clear(): void {
    this.solo.clear();
    this.soloSource = undefined;
    this.endShared();
    this.count = 0;
  }

  /** Nothing waits any more: back to the one plain queue (empty now, as every other). */
  private endShared(): void {
    this.shared = undefined;
    this.turn.clear();
  }
}

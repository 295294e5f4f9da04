/** What load balancing reads of a pipe (the socket layer's Pipe: routing does not import it). */
export interface Balanced {
  /** At its high-water mark: skipped. */
  readonly full: boolean;
}

/**
 * Round-robin over pipes, skipping those at their high-water mark (libzmq's lb_t): PUSH,
 * DEALER and REQ send through it.
 */
export class LoadBalancer<Pipe extends Balanced = Balanced> {
  private pipes: Pipe[] = [];
  private current = 0;

  add(pipe: Pipe): void {
    if (!this.pipes.includes(pipe)) this.pipes.push(pipe);
  }

  remove(pipe: Pipe): void {
    const i = this.pipes.indexOf(pipe);
    if (i < 0) return;
    this.pipes.splice(i, 1);
    if (this.current > i) this.current--;
    if (this.current >= this.pipes.length) this.current = 0;
  }

  /** The next pipe with room, advancing the rotation; undefined when all are full or none exist. */
  next(): Pipe | undefined {
    const n = this.pipes.length;
    for (let i = 0; i < n; i++) {
      const index = (this.current + i) % n;
      const pipe = this.pipes[index]!;
      if (!pipe.full) {
        this.current = (index + 1) % n;
        return pipe;
      }
    }
    return undefined;
  }
}

import { octetKey as routingKey } from "../util/octet-key.js";

/** What the table reads of a pipe (the socket layer's Pipe: routing does not import it). */
export interface Routed {
  /** The peer's routing id, once known. */
  readonly routingId?: Uint8Array | undefined;
}

/**
 * ROUTER's and STREAM's table of connected peers by routing id. A peer leaving removes its own
 * entry only: a peer that took its id over (handover) keeps it.
 */
export class RoutingTable<Pipe extends Routed = Routed> {
  private readonly byId = new Map<string, Pipe>();

  get(id: Uint8Array): Pipe | undefined {
    return this.byId.get(routingKey(id));
  }

  set(pipe: Pipe): void {
    this.byId.set(routingKey(pipe.routingId!), pipe);
  }

  /** Forgets the pipe's id, if the pipe holds it. */
  remove(pipe: Pipe): void {
    if (!pipe.routingId) return;
    const key = routingKey(pipe.routingId);
    if (this.byId.get(key) === pipe) this.byId.delete(key);
  }

  /** Forgets whichever pipe holds this id. */
  take(id: Uint8Array): void {
    this.byId.delete(routingKey(id));
  }
}

import type { Buffer } from "node:buffer";
import type { Pipe } from "./pipe.js";

/**
 * What happens to a socket's pipes, as the sessions report it (libzmq's i_pipe_events): the one
 * interface through which the receive path reaches a socket. Every socket implements it; each
 * socket type overrides the events it cares about.
 */
export interface PipeEvents {
  /** The peer of a pipe completed its handshake and was accepted. */
  pipeConnected(pipe: Pipe): void;
  /** The peer of a pipe went away (a connect()'s pipe stays, waiting for the reconnection). */
  pipeDisconnected(pipe: Pipe): void;
  /** A complete message from the peer. */
  pipeMessage(pipe: Pipe, frames: Buffer[]): void;
  /** SUBSCRIBE / CANCEL (ZMTP 3.1), or a DISH's JOIN / LEAVE. */
  pipeSubscription(pipe: Pipe, subscribe: boolean, topic: Buffer): void;
  /** The pipe has room again. */
  pipeWritable(pipe: Pipe): void;
}

/** ZMTP's socket type names, as announced in the handshake's Socket-Type property. */
export type SocketTypeName =
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PUB"
  | "SUB"
  | "XPUB"
  | "XSUB"
  | "PUSH"
  | "PULL"
  | "PAIR"
  | "STREAM"
  // Draft socket types (libzmq built with drafts; `plantrpc/zmq/draft`).
  | "SERVER"
  | "CLIENT"
  | "RADIO"
  | "DISH"
  | "GATHER"
  | "SCATTER"
  | "DGRAM";

/** RFC 37's table of legal peers. */
const COMPATIBLE: Record<SocketTypeName, readonly string[]> = {
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PUB: ["SUB", "XSUB"],
  XPUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  XSUB: ["PUB", "XPUB"],
  PUSH: ["PULL"],
  PULL: ["PUSH"],
  PAIR: ["PAIR"],
  STREAM: [], // raw bytes: no ZMTP peer at all
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  GATHER: ["SCATTER"],
  SCATTER: ["GATHER"],
  DGRAM: [], // UDP datagrams only
};

export function isCompatible(ours: SocketTypeName, theirs: string): boolean {
  return COMPATIBLE[ours].includes(theirs);
}

/** Socket types whose READY carries an Identity property (libzmq does the same). */
export function sendsIdentity(type: SocketTypeName): boolean {
  return type === "REQ" || type === "DEALER" || type === "ROUTER";
}

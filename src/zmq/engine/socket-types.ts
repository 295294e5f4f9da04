/**
 * Every fact about a socket type, one row per type: the handshake reads it (the lowest layer
 * that does, hence its place here), and every list the layers above need is derived from it
 * (the class names and their groups in the option table, the type numbers, thread safety, udp
 * roles, the v5 API's names). A new socket type is one row here and its class file.
 */

/** One socket type. */
export interface SocketTypeRow {
  /** ZMTP's name, announced in the handshake's Socket-Type property. */
  readonly type: string;
  /** libzmq's number (ZMQ_PAIR = 0 ...), which the native package's `type` property gives. */
  readonly number: number;
  /** The class, by the name the `zeromq` package gives it. */
  readonly className: string;
  /** RFC 37's legal peers (none for STREAM, raw bytes, and DGRAM, datagrams). */
  readonly peers: readonly string[];
  /** Whether send() is allowed (the send options apply). */
  readonly sends: boolean;
  /** Whether receive() is allowed (the receive options apply); a type that does not drops what peers send. */
  readonly receives: boolean;
  /** Its READY carries an Identity property, as libzmq's does. */
  readonly identity: boolean;
  /** libzmq's thread-safe sockets (the draft types but DGRAM): the `threadSafe` property. */
  readonly threadSafe: boolean;
  /** What it may do with udp:// (draft): nothing, connect only, or bind and connect. */
  readonly udp: "none" | "connect" | "bind";
  /** Its linger default in a blocky context is -1, as the native package's (subscribers have nothing to flush). */
  readonly lingers: boolean;
  /** A draft type (`plantrpc/zmq/draft`, libzmq built with drafts). */
  readonly draft: boolean;
  /** Its names in the v5 callback API (`zmq.socket("req")`), when it has any there. */
  readonly v5: readonly string[];
}

/**
 * The table (its rows' literal types give SocketTypeName, SocketClassName and the v5 names).
 * @internal
 */
// biome-ignore format: a table, one row per socket type
export const SOCKET_TYPES = [
  { type: "PAIR", number: 0, className: "Pair", peers: ["PAIR"], sends: true, receives: true, identity: false, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["pair"] },
  { type: "PUB", number: 1, className: "Publisher", peers: ["SUB", "XSUB"], sends: true, receives: false, identity: false, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["pub"] },
  { type: "SUB", number: 2, className: "Subscriber", peers: ["PUB", "XPUB"], sends: false, receives: true, identity: false, threadSafe: false, udp: "none", lingers: false, draft: false, v5: ["sub"] },
  { type: "REQ", number: 3, className: "Request", peers: ["REP", "ROUTER"], sends: true, receives: true, identity: true, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["req"] },
  { type: "REP", number: 4, className: "Reply", peers: ["REQ", "DEALER"], sends: true, receives: true, identity: false, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["rep"] },
  { type: "DEALER", number: 5, className: "Dealer", peers: ["REP", "DEALER", "ROUTER"], sends: true, receives: true, identity: true, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["dealer", "xreq"] },
  { type: "ROUTER", number: 6, className: "Router", peers: ["REQ", "DEALER", "ROUTER"], sends: true, receives: true, identity: true, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["router", "xrep"] },
  { type: "PULL", number: 7, className: "Pull", peers: ["PUSH"], sends: false, receives: true, identity: false, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["pull"] },
  { type: "PUSH", number: 8, className: "Push", peers: ["PULL"], sends: true, receives: false, identity: false, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["push"] },
  { type: "XPUB", number: 9, className: "XPublisher", peers: ["SUB", "XSUB"], sends: true, receives: true, identity: false, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["xpub"] },
  { type: "XSUB", number: 10, className: "XSubscriber", peers: ["PUB", "XPUB"], sends: true, receives: true, identity: false, threadSafe: false, udp: "none", lingers: false, draft: false, v5: ["xsub"] },
  { type: "STREAM", number: 11, className: "Stream", peers: [], sends: true, receives: true, identity: false, threadSafe: false, udp: "none", lingers: true, draft: false, v5: ["stream"] },
  { type: "SERVER", number: 12, className: "Server", peers: ["CLIENT"], sends: true, receives: true, identity: false, threadSafe: true, udp: "none", lingers: true, draft: true, v5: [] },
  { type: "CLIENT", number: 13, className: "Client", peers: ["SERVER"], sends: true, receives: true, identity: false, threadSafe: true, udp: "none", lingers: true, draft: true, v5: [] },
  { type: "RADIO", number: 14, className: "Radio", peers: ["DISH"], sends: true, receives: false, identity: false, threadSafe: true, udp: "connect", lingers: true, draft: true, v5: [] },
  { type: "DISH", number: 15, className: "Dish", peers: ["RADIO"], sends: false, receives: true, identity: false, threadSafe: true, udp: "bind", lingers: true, draft: true, v5: [] },
  { type: "GATHER", number: 16, className: "Gather", peers: ["SCATTER"], sends: false, receives: true, identity: false, threadSafe: true, udp: "none", lingers: true, draft: true, v5: [] },
  { type: "SCATTER", number: 17, className: "Scatter", peers: ["GATHER"], sends: true, receives: false, identity: false, threadSafe: true, udp: "none", lingers: true, draft: true, v5: [] },
  { type: "DGRAM", number: 18, className: "Datagram", peers: [], sends: true, receives: true, identity: false, threadSafe: false, udp: "bind", lingers: true, draft: true, v5: [] },
] as const satisfies readonly SocketTypeRow[];

/**
 * A row of the table, with its literal types.
 * @internal
 */
type TableRow = (typeof SOCKET_TYPES)[number];

/** ZMTP's socket type names, as announced in the handshake's Socket-Type property. */
export type SocketTypeName = TableRow["type"];

/** Socket classes, by the names the `zeromq` package gives them (`Pair`, `Dealer`...: one per socket type). */
export type SocketClassName = TableRow["className"];

/** The class name of a socket type (`Dealer` for DEALER). */
export type ClassNameOfType<T extends SocketTypeName> = Extract<TableRow, { type: T }>["className"];

/** The classes that may send (the send options are theirs). */
export type WritableClassName = Extract<TableRow, { sends: true }>["className"];

/** The classes that may receive (the receive options are theirs). */
export type ReadableClassName = Extract<TableRow, { receives: true }>["className"];

const BY_TYPE: ReadonlyMap<string, SocketTypeRow> = new Map(SOCKET_TYPES.map((row) => [row.type, row]));

/** The row of a socket type. */
export function socketTypeRow(type: SocketTypeName): SocketTypeRow {
  return BY_TYPE.get(type)!;
}

/** The row of libzmq's type number, if there is one. */
export function socketTypeByNumber(number: number): SocketTypeRow | undefined {
  return SOCKET_TYPES.find((row) => row.number === number);
}

/** Whether a peer announcing `theirs` may talk to us (RFC 37). */
export function isCompatible(ours: SocketTypeName, theirs: string): boolean {
  return socketTypeRow(ours).peers.includes(theirs);
}

/** Socket types whose READY carries an Identity property (libzmq does the same). */
export function sendsIdentity(type: SocketTypeName): boolean {
  return socketTypeRow(type).identity;
}

/**
 * The v5 API's socket type names (`"req"`, `"xrep"`...).
 * @internal
 */
export type V5TypeName = TableRow["v5"][number];

/** Every class name, in the table's order. */
export const ALL_SOCKETS: readonly SocketClassName[] = SOCKET_TYPES.map((row) => row.className);

/** The classes that may send. */
export const WRITABLE: readonly WritableClassName[] = SOCKET_TYPES.flatMap((row) =>
  row.sends ? [row.className as WritableClassName] : [],
);

/** The classes that may receive. */
export const READABLE: readonly ReadableClassName[] = SOCKET_TYPES.flatMap((row) =>
  row.receives ? [row.className as ReadableClassName] : [],
);

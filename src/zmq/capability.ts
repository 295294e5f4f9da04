/**
 * The native package's `version` and `capability`. `version` is the libzmq version whose
 * behaviour this implementation follows (and which the differential suite compares with);
 * `capability` says which transports and mechanisms exist here.
 */
export const version = "4.3.5";

/** What exists here, by the native package's names: `ipc`, `curve`, `draft` true; `tipc`, `pgm`, `norm`, `gssapi` false. */
export const capability: Partial<{
  /** ipc:// endpoints (local sockets, by path): true. */
  ipc: boolean;
  /** pgm:// and epgm:// (PGM reliable multicast): false, not built. */
  pgm: boolean;
  /** tipc:// (the Linux TIPC cluster transport): false, not built. */
  tipc: boolean;
  /** norm:// (NORM reliable multicast): false, not built. */
  norm: boolean;
  /** The CURVE security mechanism (curveServer, curveServerKey...): true. */
  curve: boolean;
  /** The GSSAPI (Kerberos) security mechanism: false, not built. */
  gssapi: boolean;
  /** The draft socket types (SERVER, CLIENT, RADIO, DISH...), from `plantrpc/zmq/draft`: true. */
  draft: boolean;
}> = Object.freeze({
  ipc: true,
  pgm: false,
  tipc: false,
  norm: false,
  curve: true,
  gssapi: false,
  draft: true, // plantrpc/zmq/draft
});

/**
 * The native package's `version` and `capability`. `version` is the libzmq version whose
 * behaviour this implementation follows (and which the differential suite compares with);
 * `capability` says which transports and mechanisms exist here.
 */
export const version = "4.3.5";

/** What exists here, by the native package's names: `ipc`, `curve`, `draft` true; `tipc`, `pgm`, `norm`, `gssapi` false. */
export const capability: Partial<{
  ipc: boolean;
  pgm: boolean;
  tipc: boolean;
  norm: boolean;
  curve: boolean;
  gssapi: boolean;
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

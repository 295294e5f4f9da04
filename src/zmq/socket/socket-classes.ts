import { ZmqError } from "../errors.js";
import { type SocketTypeName, socketTypeByNumber, socketTypeRow } from "../engine/socket-types.js";

/** A socket class's constructor, as `new Socket(type, options)` calls it. */
type SocketClass = new (options?: object) => unknown;

/** The socket classes by libzmq type number, for `new Socket(type)` (each class registers itself). */
const CLASSES = new Map<number, SocketClass>();

/** Called by each socket class's module, for `new Socket(type, options)`. */
export function registerSocketClass(type: SocketTypeName, cls: SocketClass): void {
  CLASSES.set(socketTypeRow(type).number, cls);
}

/**
 * The class of libzmq's type number. EINVAL when there is none: an unknown number, a draft type
 * whose entry was not imported, or a class a bundler left out.
 */
export function socketClassOf(type: number): SocketClass {
  const cls = CLASSES.get(type);
  if (cls) return cls;
  const row = socketTypeByNumber(type);
  if (!row) throw new ZmqError("EINVAL", `no socket type ${type}`);
  if (row.draft) {
    // The draft classes load with their own entry, as the native package's `zeromq/draft`.
    throw new ZmqError("EINVAL", `socket type ${type} (${row.type}) is a draft type: import plantrpc/zmq/draft first`);
  }
  // Each class registers itself when its module loads; a bundler drops the modules of the classes
  // a program never names (package.json's sideEffects says they may be dropped).
  throw new ZmqError(
    "EINVAL",
    `no socket class of type ${type} is loaded (a bundler left it out): import the class and use it, as new ${row.className}()`,
  );
}

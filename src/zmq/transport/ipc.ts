import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Carrier, Listener, Transport } from "./carrier.js";
import { connectNet, listenNet, NetCarrier } from "./node-stream.js";
import { toZmqError } from "./tcp.js";

let anonymousCounter = 0;

/** `ipc://*` asks for a fresh path, as libzmq does. */
function resolvePath(address: string): string {
  if (address !== "*") return address;
  return path.join(os.tmpdir(), `plantrpc-${process.pid}-${Date.now()}-${anonymousCounter++}.ipc`);
}

export const ipcTransport: Transport = {
  async listen(address, accept, options = {}): Promise<Listener> {
    const file = resolvePath(address);
    // A stale socket file from a dead process would make bind fail: libzmq removes it too.
    try {
      if (fs.statSync(file).isSocket()) fs.unlinkSync(file);
    } catch {
      /* no such file */
    }
    const server = await listenNet(
      { path: file },
      (socket, reader) => new NetCarrier(socket, `ipc://${file}`, reader),
      accept,
      (e) => toZmqError(e, `bind ipc://${file}`),
      options.maxConnections,
    );
    return { endpoint: `ipc://${file}`, close: server.close };
  },

  connect(address, settings): Promise<Carrier> {
    return connectNet(
      { path: address },
      () => `ipc://${address}`,
      (e) => toZmqError(e, `connect ipc://${address}`),
      undefined,
      { timeout: settings?.timeout },
    );
  },
};

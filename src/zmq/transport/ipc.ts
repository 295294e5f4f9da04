import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Carrier, Listener, Transport } from "./carrier.js";
import { adoptWithDirectReads, connectNet, directReadsSupported, NetCarrier, ReadBuffers } from "./node-stream.js";
import { toZmqError } from "./tcp.js";

let anonymousCounter = 0;

/** `ipc://*` asks for a fresh path, as libzmq does. */
function resolvePath(address: string): string {
  if (address !== "*") return address;
  return path.join(os.tmpdir(), `plantrpc-${process.pid}-${Date.now()}-${anonymousCounter++}.ipc`);
}

export const ipcTransport: Transport = {
  async listen(address, accept): Promise<Listener> {
    const file = resolvePath(address);
    // A stale socket file from a dead process would make bind fail: libzmq removes it too.
    try {
      if (fs.statSync(file).isSocket()) fs.unlinkSync(file);
    } catch {
      /* no such file */
    }
    const server = net.createServer({ pauseOnConnect: directReadsSupported }, (s) => {
      const reader = directReadsSupported ? new ReadBuffers() : undefined;
      const socket = reader ? adoptWithDirectReads(s, reader) : s;
      accept(new NetCarrier(socket, `ipc://${file}`, socket === s ? undefined : reader));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e) => reject(toZmqError(e, `bind ipc://${file}`)));
      server.listen(file, () => resolve());
    });
    server.on("error", () => {});
    return {
      endpoint: `ipc://${file}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },

  connect(address): Promise<Carrier> {
    return connectNet(
      { path: address },
      () => `ipc://${address}`,
      (e) => toZmqError(e, `connect ipc://${address}`),
    );
  },
};

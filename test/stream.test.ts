import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { Stream } from "../src/zmq/index.js";
import { bound } from "./helpers/sockets.js";

describe("STREAM", () => {
  it("closes the TCP connection on [routingId, ''], after what was sent before", async () => {
    const stream = await bound(new Stream());
    const client = net.connect(Number(stream.lastEndpoint!.split(":").pop()), "127.0.0.1");
    let received = "";
    client.on("data", (d) => (received += d.toString()));
    const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    const [id] = await stream.receive();
    await stream.send([id!, "bye"]);
    await stream.send([id!, ""]);
    await closed;
    expect(received).toBe("bye");
  });

  it("passes large raw data through unchanged, in order", async () => {
    const stream = await bound(new Stream());
    const client = net.connect(Number(stream.lastEndpoint!.split(":").pop()), "127.0.0.1");
    const [id] = await stream.receive();
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    client.write(payload);
    let total = 0;
    while (total < payload.length) {
      const [sender, data] = await stream.receive();
      expect(sender!.equals(id!)).toBe(true);
      total += data!.length;
    }
    expect(total).toBe(payload.length);
    client.destroy();
  });
});

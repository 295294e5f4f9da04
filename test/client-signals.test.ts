import { describe, expect, it } from "vitest";
import { ClientSignals } from "../src/rpc/client-signals.js";
import { Publisher } from "../src/zmq/index.js";
import { bound, repeatUntil } from "./helpers/sockets.js";

describe("signals a device publishes, as a client reads them", () => {
  it("a publication with more arguments than a call can take is dropped with a warning; the next one arrives", async () => {
    const pub = await bound(new Publisher());
    const warnings: string[] = [];
    const signals = new ClientSignals("tcp://device", {}, { warn: (m: string) => warnings.push(m) } as never);
    await signals.subscribe(pub.lastEndpoint!, 2000);
    const seen = new Promise<unknown[]>((resolve) => signals.signal("tick").connect((...args) => resolve(args)));
    const huge = JSON.stringify({
      event: "EMIT_SIGNAL",
      signal: "tick",
      args: new Array(200_000).fill(0),
      blocking: false,
    });
    const fine = JSON.stringify({ event: "EMIT_SIGNAL", signal: "tick", args: [1, 2], blocking: false });
    expect(
      await repeatUntil(async () => {
        await pub.send(huge);
        await pub.send(fine);
      }, seen),
    ).toEqual([1, 2]);
    expect(warnings.some((w) => /came with 200000 arguments: dropped/.test(w))).toBe(true);
    signals.close();
  });
});

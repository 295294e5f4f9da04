import { describe, expect, it } from "vitest";
import { DeviceRegistry, Gateway, RPCClient, RPCServer } from "../src/index.js";
import { Dashboard } from "../src/web/index.js";

/** As socket options: a name the class does not know is a TypeError that names it. */
describe("options of the RPC layer's classes", () => {
  it("an unknown option is refused, naming it and the options there are", async () => {
    expect(() => new RPCServer({ urll: "tcp://127.0.0.1" } as never)).toThrow(
      /RPCServer: unknown option "urll" \(its options: url, aliveTimeout/,
    );
    expect(() => new DeviceRegistry({ prot: 5555 } as never)).toThrow(/DeviceRegistry: unknown option "prot"/);
    expect(
      () => new Gateway({ registry: "tcp://127.0.0.1:1", listen: "ws://127.0.0.1:0", pollIntervall: 5 } as never),
    ).toThrow(/Gateway: unknown option "pollIntervall"/);
    expect(
      () => new Dashboard({ registry: "tcp://127.0.0.1:1", script: new Uint8Array(), tokn: "x" } as never),
    ).toThrow(/Dashboard: unknown option "tokn"/);
    await expect(RPCClient.connect("tcp://127.0.0.1:1", { timout: 5 } as never)).rejects.toThrow(
      /RPCClient.connect: unknown option "timout"/,
    );
  });

  it('RPCServer without a url says so (it said: invalid url "undefined")', () => {
    expect(() => new RPCServer({} as never)).toThrow(/the option "url" is required/);
  });
});

import * as native from "zeromq";
import { describe, expect, it } from "vitest";
import * as ours from "../src/zmq/index.js";
import { track } from "./helpers/sockets.js";

type Outcome = { ok: unknown } | { error: string; code?: string };

/** What a step does: its value, or the class and code of what it threw. */
function outcome(step: () => unknown): Outcome {
  try {
    return { ok: step() };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code
      ? { error: (e as Error).constructor.name === "TypeError" ? "TypeError" : "Error", code }
      : { error: (e as Error).constructor.name };
  }
}

type AnySocket = { close(): void; [key: string]: unknown };
type Lib = { Dealer: new (o?: object) => AnySocket; Router: new (o?: object) => AnySocket };

/** Runs the same step against the native package and ours; both socket sets are closed after. */
function both(step: (lib: Lib, keep: (s: AnySocket) => AnySocket) => unknown): [Outcome, Outcome] {
  const run = (lib: Lib) => {
    const made: AnySocket[] = [];
    try {
      const keep = (s: AnySocket) => {
        made.push(s);
        return s;
      };
      return outcome(() => step(lib, keep));
    } finally {
      for (const s of made) s.close();
    }
  };
  return [run(native as unknown as Lib), run(ours as unknown as Lib)];
}

describe("socket options (differential: the native zeromq package and ours)", () => {
  const cases: Array<[string, (lib: Lib, keep: (s: AnySocket) => AnySocket) => unknown]> = [
    ["an unknown constructor option", (lib, keep) => keep(new lib.Dealer({ lingr: 0 })) && 1],
    ["a constructor option naming a method", (lib, keep) => keep(new lib.Dealer({ send: 1 })) && 1],
    ["a string where a number is due", (lib, keep) => keep(new lib.Dealer({ linger: "abc" })) && 1],
    ["a number where a boolean is due", (lib, keep) => keep(new lib.Dealer({ immediate: 1 })) && 1],
    ["options that are not an object", (lib, keep) => keep(new (lib.Dealer as new (o: unknown) => AnySocket)(5)) && 1],
    ["a negative high-water mark", (lib, keep) => keep(new lib.Dealer({ sendHighWaterMark: -2 })) && 1],
    [
      "a string assigned to linger after construction",
      (lib, keep) => {
        const s = keep(new lib.Dealer());
        s.linger = "abc";
        return s.linger;
      },
    ],
    [
      "linger below -1 assigned after construction",
      (lib, keep) => {
        const s = keep(new lib.Dealer());
        s.linger = -5;
        return s.linger;
      },
    ],
    [
      "a typo in an assignment after construction",
      (lib, keep) => {
        const s = keep(new lib.Dealer());
        s.lingr = 0;
        return s.lingr;
      },
    ],
    [
      "a valid assignment",
      (lib, keep) => {
        const s = keep(new lib.Router({ mandatory: true, sendHighWaterMark: 5 }));
        s.linger = 0;
        return [s.linger, s.sendHighWaterMark, s.receiveHighWaterMark];
      },
    ],
  ];
  for (const [name, step] of cases) {
    it(`${name}: same outcome`, () => {
      const [theirs, mine] = both(step);
      expect(mine).toEqual(theirs);
    });
  }
});

describe("socket options", () => {
  it("are applied from the constructor", () => {
    const s = track(new ours.Dealer({ sendHighWaterMark: 5, linger: 0, immediate: true, routingId: "me" }));
    expect([s.sendHighWaterMark, s.linger, s.immediate, s.routingId]).toEqual([5, 0, true, "me"]);
  });

  it("leave methods alone: { send: 1 } is refused and send() still works", () => {
    expect(() => new ours.Dealer({ send: 1 } as never)).toThrow(TypeError);
    const s = track(new ours.Dealer());
    expect(typeof s.send).toBe("function");
  });

  it("say what was wrong", () => {
    expect(() => new ours.Push({ sendHighWatermark: 5 } as never)).toThrow(
      /Cannot add property sendHighWatermark, object is not extensible/,
    );
    expect(() => new ours.Push({ sendHighWaterMark: -3 })).toThrow(
      expect.objectContaining({
        code: "EINVAL",
        message: "Invalid argument",
        detail: "sendHighWaterMark must be at least 0, not -3",
      }),
    );
    expect(() => new ours.Push({ immediate: "yes" } as never)).toThrow("Option value must be a boolean");
    expect(() => new ours.Dealer({ routingId: "" })).toThrow(
      expect.objectContaining({ code: "EINVAL", detail: "routingId is 1 to 255 octets" }),
    );
    expect(() => new ours.Pair({ mandatory: true } as never)).toThrow(TypeError);
  });

  it("keep their value when an assignment is refused", () => {
    const s = track(new ours.Dealer({ linger: 7 }));
    expect(() => {
      (s as unknown as { linger: unknown }).linger = "abc";
    }).toThrow(TypeError);
    expect(s.linger).toBe(7);
  });

  it("are per socket: one socket's setting is not another's", () => {
    const a = track(new ours.Router({ linger: 5, routingId: "a" }));
    const b = track(new ours.Router());
    expect([a.linger, a.routingId, b.linger, b.routingId]).toEqual([5, "a", -1, null]);
  });

  it("leave a user's subclass free to add its own fields", () => {
    class Tagged extends ours.Dealer {
      tag = "mine";
    }
    const s = track(new Tagged({ linger: 0 }));
    expect([s.tag, s.linger]).toEqual(["mine", 0]);
  });
});

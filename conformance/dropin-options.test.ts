/**
 * Drop-in, differential: every option of the native `zeromq` package on every socket class:
 * which classes have it, its default, what reading and writing it do, the low-level accessors
 * by libzmq number, and the warnings for options set after connect.
 */
import { describe, expect, it } from "vitest";
import { ALL_SOCKETS, OPTION_TABLE } from "../src/zmq/socket/option-table.js";
import { both, nativeMissing, type Scope } from "./dropin/harness.js";

const CLASSES = ALL_SOCKETS;
/** The native package's options: ours beyond them (wss://) are tested in test/zws-tls.test.ts. */
const NATIVE_OPTIONS = OPTION_TABLE.filter((r) => !r.extension);
const NAMES = [...NATIVE_OPTIONS.map((r) => r.name), "verbosity"];

function attempt(step: () => unknown): unknown {
  try {
    const v = step();
    return v instanceof Uint8Array ? [...v] : v;
  } catch (e) {
    return e instanceof TypeError ? "TypeError" : (e as { code?: string }).code;
  }
}

/**
 * One scenario on both libraries: ours must give the native package's outcome, which `expected`
 * shows at the test (an inline snapshot: what the native package does, readable in place).
 */
function differential(name: string, scenario: (scope: Scope) => unknown, expected: (outcome: unknown) => void): void {
  it.skipIf(nativeMissing !== undefined)(name, async () => {
    const [theirs, mine] = await both(scenario);
    expect(mine).toEqual(theirs);
    expected(theirs);
  });
}

describe("options (differential: the native zeromq package and ours)", () => {
  for (const cls of CLASSES) {
    differential(
      `${cls}: which options exist, their defaults, and reading them`,
      ({ lib }: Scope) => {
        const s = new lib[cls]();
        try {
          return Object.fromEntries(NAMES.map((n) => [n, n in s ? attempt(() => s[n]) : "absent"]));
        } finally {
          s.linger = 0;
          s.close();
        }
      },
      (outcome) => expect(outcome).toMatchSnapshot(),
    );

    differential(
      `${cls}: writing each option, with a good value and with bad ones`,
      ({ lib }: Scope) => {
        const s = new lib[cls]({ linger: 0 });
        try {
          const out: Record<string, unknown> = {};
          for (const row of NATIVE_OPTIONS) {
            if (!(row.name in s) || row.access === "r") continue;
            const good = row.kind === "bool" ? true : row.kind === "string" ? "abc" : 5;
            out[row.name] = [
              attempt(() => {
                s[row.name] = good;
              }),
              attempt(() => {
                s[row.name] = {};
              }),
              row.kind === "bool" || row.kind === "string"
                ? null
                : attempt(() => {
                    s[row.name] = -2;
                  }),
            ];
          }
          return out;
        } finally {
          s.close();
        }
      },
      (outcome) => expect(outcome).toMatchSnapshot(),
    );

    differential(
      `${cls}: the low-level accessors by libzmq option number`,
      ({ lib }: Scope) => {
        const s = new lib[cls]({ linger: 0 });
        const getter = {
          bool: "getBoolOption",
          int32: "getInt32Option",
          uint32: "getUint32Option",
          int64: "getInt64Option",
          uint64: "getUint64Option",
          string: "getStringOption",
        } as const;
        try {
          const out: Record<string, unknown> = {};
          for (const row of NATIVE_OPTIONS) {
            if (row.name === "lastEndpoint" || row.name === "vmciConnectTimeout" || row.name.startsWith("curve"))
              continue;
            out[`${row.name} (${row.id})`] = attempt(() => s[getter[row.kind]](row.id));
          }
          out.unknown = attempt(() => s.setInt32Option(9999, 1));
          out.badIdentifier = attempt(() => s.getInt32Option("17"));
          return out;
        } finally {
          s.close();
        }
      },
      (outcome) => expect(outcome).toMatchSnapshot(),
    );
  }

  differential(
    "options in the constructor: unknown, read-only, wrong type, out of range",
    ({ lib }: Scope) =>
      [
        { lingr: 0 },
        { type: 3 },
        { closed: true },
        { linger: "abc" },
        { immediate: 1 },
        { sendHighWaterMark: -2 },
        { routingId: 5 },
        { routingId: "" },
        { routingId: "\u0000starts with zero" },
        { routingId: "x".repeat(256) },
      ].map((options) =>
        attempt(() => {
          new lib.Dealer({ linger: 0, ...options }).close();
        }),
      ),
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": [
          "TypeError",
          "TypeError",
          "TypeError",
          "TypeError",
          "TypeError",
          "EINVAL",
          "TypeError",
          "EINVAL",
          undefined,
          "EINVAL",
        ],
      }
    `),
  );

  differential(
    "CURVE keys: 40 Z85 characters that decode, and 40 that do not (over 32 bits a group), and other lengths",
    ({ lib }: Scope) =>
      [lib.curveKeyPair().secretKey, `%%%%%${"0".repeat(35)}`, "0".repeat(39), "0".repeat(41)].flatMap((key) =>
        ["curveSecretKey", "curveServerKey", "curvePublicKey"].map((option) =>
          attempt(() => {
            new lib.Dealer({ linger: 0, [option]: key }).close();
            return "ok";
          }),
        ),
      ),
    (outcome) =>
      expect(outcome).toEqual({
        value: [
          "ok",
          "ok",
          "ok",
          "EINVAL",
          "EINVAL",
          "EINVAL",
          "EINVAL",
          "EINVAL",
          "EINVAL",
          "EINVAL",
          "EINVAL",
          "EINVAL",
        ],
      }),
  );

  differential(
    "a string option set as a Buffer reads back as UTF-8",
    ({ lib, track }: Scope) => {
      const s = track(new lib.Dealer({ linger: 0 }));
      s.routingId = Buffer.from("é-id", "utf8");
      s.zapDomain = Buffer.from("dömain", "utf8");
      return [s.routingId, s.zapDomain, s.getStringOption(5)];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        "é-id",
        "dömain",
        "é-id",
      ],
    }
  `),
  );

  differential(
    "options set after connect warn, unless they take effect at once",
    async ({ lib, track }: Scope) => {
      const s = track(new lib.Dealer({ linger: 0 }));
      s.reconnectInterval = 50; // before connect: no warning
      s.connect("tcp://127.0.0.1:9");
      s.linger = 0;
      s.sendHighWaterMark = 10;
      s.receiveTimeout = 10;
      s.reconnectInterval = 60; // warns
      s.heartbeatInterval = 100; // warns
      return "done";
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": {
        "result": "done",
        "warnings": [
          "Socket option will not take effect until next connect/bind.",
          "Socket option will not take effect until next connect/bind.",
        ],
      },
    }
  `),
  );

  it("options set after connect warn (ours, whatever the native package does)", async () => {
    const { runOn, oursLib } = await import("./dropin/harness.js");
    const outcome = await runOn(oursLib, ({ lib, track }: Scope) => {
      const s = track(new lib.Dealer({ linger: 0 }));
      s.connect("tcp://127.0.0.1:9");
      s.linger = 0;
      s.reconnectInterval = 60;
      return "done";
    });
    expect(outcome).toEqual({
      value: { result: "done", warnings: ["Socket option will not take effect until next connect/bind."] },
    });
  });

  differential(
    "XPublisher verbosity is write-only; Publisher has none",
    ({ lib, track }: Scope) => {
      const x = track(new lib.XPublisher({ linger: 0 }));
      const p = track(new lib.Publisher({ linger: 0 }));
      return [
        attempt(() => {
          x.verbosity = "allSubs";
        }),
        attempt(() => x.verbosity),
        "verbosity" in p,
        attempt(() => {
          p.verbosity = "allSubs";
        }),
      ];
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
    {
      "value": [
        undefined,
        undefined,
        false,
        "TypeError",
      ],
    }
  `),
  );

  differential(
    "an option set while a bind is under way warns; a uint64 over 2^53 warns after",
    async ({ socket }: Scope) => {
      const dealer = socket("Dealer");
      const bound = dealer.bind("tcp://127.0.0.1:*");
      dealer.routingId = "during-bind";
      await bound;
      dealer.setUint64Option(4, 2 ** 60);
      return "done";
    },
    (outcome) =>
      expect(outcome).toMatchInlineSnapshot(`
      {
        "value": {
          "result": "done",
          "warnings": [
            "Socket option will not take effect until next connect/bind.",
            "Socket option will not take effect until next connect/bind.",
            "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.",
          ],
        },
      }
    `),
  );
});

import { describe, expect, it } from "vitest";
import { SOCKET_TYPES } from "../src/zmq/engine/socket-types.js";
import * as zmq from "../src/zmq/index.js";
import * as draft from "../src/zmq/draft.js";
import * as v5 from "../src/zmq/compat/v5.js";
import { OPTION_TABLE } from "../src/zmq/socket/option-table.js";

/** The socket-type table (engine/socket-types.ts) is the one place each fact lives: these hold it to the classes. */
describe("the socket-type table", () => {
  const classes = { ...zmq, ...draft } as unknown as Record<string, new () => zmq.Socket>;

  it.each(SOCKET_TYPES.map((row) => [row.type, row] as const))(
    "%s: its class has its name, number and thread safety",
    (_, row) => {
      const Class = classes[row.className]!;
      expect(Class).toBeTypeOf("function");
      const socket = new Class();
      try {
        expect((socket as unknown as { socketType: string }).socketType).toBe(row.type);
        expect(socket.type).toBe(row.number);
        expect(socket.threadSafe).toBe(row.threadSafe);
        // new Socket(number) finds the same class.
        const byNumber = new (zmq.Socket as unknown as new (type: number) => zmq.Socket)(row.number);
        expect(byNumber).toBeInstanceOf(Class);
        byNumber.close();
      } finally {
        socket.close();
      }
    },
  );

  it("numbers and names are unique, and peers are mutual (RFC 37)", () => {
    expect(new Set(SOCKET_TYPES.map((r) => r.number)).size).toBe(SOCKET_TYPES.length);
    expect(new Set(SOCKET_TYPES.map((r) => r.className)).size).toBe(SOCKET_TYPES.length);
    const byType = new Map(SOCKET_TYPES.map((r) => [r.type as string, r]));
    for (const row of SOCKET_TYPES) {
      for (const peer of row.peers) expect(byType.get(peer)?.peers, `${peer} lists ${row.type}`).toContain(row.type);
    }
  });

  it("the send and receive options go to the types that send and receive", () => {
    const sendHwm = OPTION_TABLE.find((r) => r.name === "sendHighWaterMark")!;
    const receiveHwm = OPTION_TABLE.find((r) => r.name === "receiveHighWaterMark")!;
    expect([...sendHwm.on].sort()).toEqual(
      SOCKET_TYPES.filter((r) => r.sends)
        .map((r) => r.className)
        .sort(),
    );
    expect([...receiveHwm.on].sort()).toEqual(
      SOCKET_TYPES.filter((r) => r.receives)
        .map((r) => r.className)
        .sort(),
    );
  });

  it("each v5 name makes a socket of its row's type, and no other name does", () => {
    for (const row of SOCKET_TYPES) {
      for (const name of row.v5) {
        const socket = v5.socket(name);
        try {
          expect((socket.socket as unknown as { socketType: string }).socketType).toBe(row.type);
        } finally {
          socket.close();
        }
      }
    }
    expect(() => v5.socket("server" as never)).toThrow("Invalid socket type: server");
  });

  it("a blocky context's linger default follows the row (subscribers have nothing to flush)", () => {
    for (const row of SOCKET_TYPES) {
      const socket = new classes[row.className]!();
      try {
        expect(socket.linger, row.type).toBe(row.lingers ? -1 : 0);
      } finally {
        socket.close();
      }
    }
  });

  it("udp roles: a type without one is refused, a connect-only type cannot bind", async () => {
    for (const row of SOCKET_TYPES) {
      const socket = new classes[row.className]!();
      try {
        const bind = socket.bind("udp://127.0.0.1:*").then(
          () => "ok",
          (e: zmq.ZmqError) => e.code,
        );
        expect(await bind, `${row.type} bind`).toBe(row.udp === "bind" ? "ok" : "ENOCOMPATPROTO");
      } finally {
        socket.close();
      }
    }
  });
});

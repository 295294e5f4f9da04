import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import {
  decodeMetadata,
  encodeMetadata,
  decodeCommandBody,
  encodeCommandBody,
  decodePing,
  encodePing,
  decodeErrorReason,
  encodeErrorCommand,
} from "../src/zmq/codec/command.js";
import { decodeGreeting, encodeGreeting } from "../src/zmq/codec/greeting.js";

describe("greeting", () => {
  it("encodes the 64-octet ZMTP 3.1 greeting of RFC 37", () => {
    const g = encodeGreeting("NULL", false);
    expect(g.length).toBe(64);
    expect([...g.subarray(0, 12)]).toEqual([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 1]);
    expect(Buffer.from(g.subarray(12, 16)).toString()).toBe("NULL");
    expect(decodeGreeting(g)).toEqual({ major: 3, minor: 1, mechanism: "NULL", asServer: false });
  });

  it("refuses ZMTP 2.0 peers and non-ZMTP bytes", () => {
    const v2 = encodeGreeting("NULL", false);
    v2[10] = 2;
    expect(() => decodeGreeting(v2)).toThrow(/ZMTP major version 2;/);
    expect(() => decodeGreeting(Buffer.from("GET / HTTP/1.1\r\n\r\n".padEnd(64)))).toThrow(/signature/);
  });
});

describe("commands and metadata", () => {
  it("round-trips metadata with case-insensitive names", () => {
    const data = encodeMetadata([
      ["Socket-Type", "DEALER"],
      ["Identity", Buffer.alloc(0)],
      ["X-Big", Buffer.alloc(300, 1)],
    ]);
    const m = decodeMetadata(data);
    expect(m.get("socket-type")!.toString()).toBe("DEALER");
    expect(m.get("identity")!.length).toBe(0);
    expect(m.get("x-big")!.length).toBe(300);
  });

  it("matches the READY example of RFC 37 byte for byte", () => {
    const body = encodeCommandBody(
      "READY",
      encodeMetadata([
        ["Socket-Type", "DEALER"],
        ["Identity", ""],
      ]),
    );
    expect(body.length).toBe(41);
    expect(body.subarray(0, 6).toString("latin1")).toBe("\x05READY");
  });

  it("rejects truncated metadata and command names", () => {
    expect(() => decodeMetadata(Buffer.from([11, 65]))).toThrow(/malformed/);
    expect(() => decodeMetadata(Buffer.from([1, 65, 0, 0, 0, 9, 1]))).toThrow(/overruns/);
    expect(() => decodeCommandBody(Buffer.from([9, 65]))).toThrow(/truncated/);
  });

  it('reads libzmq 4.3\'s PLAIN ERROR (its name written as the C literal "\\x05ERROR": 0x5E, then RROR) as ERROR', () => {
    const quirk = Buffer.from([0x5e, 0x52, 0x52, 0x4f, 0x52, 3, 0x34, 0x30, 0x30]);
    const cmd = decodeCommandBody(quirk);
    expect(cmd.name).toBe("ERROR");
    expect(decodeErrorReason(cmd.data)).toBe("400");
    // What we send is RFC 23's ERROR.
    expect(encodeErrorCommand("400").subarray(0, 6).toString("latin1")).toBe("\x05ERROR");
  });

  it("encodes PING with TTL and context", () => {
    const body = encodePing(15, Buffer.from("ctx"));
    const cmd = decodeCommandBody(body);
    expect(cmd.name).toBe("PING");
    expect(decodePing(cmd.data)).toEqual({ ttl: 15, context: Buffer.from("ctx") });
  });
});

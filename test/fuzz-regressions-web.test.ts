import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { AddressFilter } from "../src/gateway/access.js";
import { parseRpcUrl } from "../src/rpc/url.js";
import { RpcError } from "../src/rpc/errors.js";
import { formatTcpEndpoint, parseEndpoint, parseTcpAddress, parseWsAddress } from "../src/zmq/transport/endpoint.js";
import { ZmqError } from "../src/zmq/errors.js";
import { curveKeyPair, Router } from "../src/zmq/index.js";
import { curveKey } from "../src/zmq/mechanism/z85.js";
import { isCurveKey } from "../src/zmq/socket/option-checks.js";
import { FrameReader } from "../src/zmq/transport/ws/ws-frames.js";

/**
 * What the fuzz targets of the web side found (fuzz/targets/ws-upgrade.cjs, ws-frames.cjs,
 * zws-frame.cjs, endpoint.cjs, web-requests.cjs, certificate.cjs): one test per finding, named
 * for it. The inputs are kept as seeds too, in fuzz/corpus/<target>/regression-*.
 */

/** A frame as a server sends it (unmasked). */
function frame(fin: boolean, opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, payload.length]), payload]);
}

function reader(maxPayload: number) {
  const events: string[] = [];
  const r = new FrameReader(
    {
      message: (p) => events.push(`message ${p.toString()}`),
      ping: (p) => events.push(`ping ${p.toString()}`),
      close: (code, reason) => events.push(`close ${code} ${reason}`),
    },
    maxPayload,
    false,
  );
  return { r, events };
}

describe("fuzz findings (WebSocket, endpoints, web access, certificates)", () => {
  it("ws-frames: control frames do not count toward the message limit (a ping between fragments, a close)", () => {
    // A message of 2 + 0 octets in two fragments (the first counts 64) fits a limit of 64; the
    // ping between its fragments, and the close after it, are no part of it.
    const { r, events } = reader(64);
    r.push(
      Buffer.concat([
        frame(false, 2, Buffer.from("ab")),
        frame(true, 9, Buffer.from("ab")),
        frame(true, 0, Buffer.alloc(0)),
      ]),
    );
    expect(events).toEqual(["ping ab", "message ab"]);
    // A close with a code and a reason longer than a small limit.
    const small = reader(4);
    small.r.push(frame(true, 8, Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from("going away")])));
    expect(small.events).toEqual(["close 1000 going away"]);
    // A control frame over 125 octets is still refused, at its header, limit or none.
    for (const limit of [0, 1000]) {
      const big = reader(limit);
      expect(() => big.r.push(Buffer.from([0x89, 126, 0x01, 0x00]))).toThrow(/invalid control frame/);
    }
  });

  it("endpoint: parseRpcUrl refuses a port over 65535 (it printed back as 1e+21 past 20 digits)", () => {
    expect(() => parseRpcUrl("tcp://[::1]:600000")).toThrow(RpcError);
    expect(() => parseRpcUrl("ws://host:1000000000000000000000/x")).toThrow(/port .* is over 65535/);
    expect(parseRpcUrl("tcp://host:65535").port).toBe(65535);
    expect(parseRpcUrl("tcp://host:00080").port).toBe(80);
  });

  it("endpoint: a bracketed tcp host holds no bracket (it printed back unbracketed, and did not parse)", () => {
    for (const address of ["[cp\u0000[\u0001]:0", "[[a]:5", "[a[b]:5"]) {
      expect(() => parseTcpAddress(address, true)).toThrow(ZmqError);
    }
    expect(() => parseWsAddress("[[a]:5/path", false)).toThrow(ZmqError);
    // What is still taken prints back the same.
    for (const address of ["[::1]:5", "[a b]:5", "host:*"]) {
      const { host, port } = parseTcpAddress(address, true);
      expect(parseTcpAddress(parseEndpoint(formatTcpEndpoint(host, port)).address, true)).toEqual({ host, port });
    }
  });

  it("web-requests: an IPv4 address with a leading zero is no range's (the resolver reads 010.0.0.1 as 8.0.0.1)", () => {
    const lab = new AddressFilter(["10.0.0.0/8"]);
    expect(lab.allows("10.0.0.1")).toBe(true);
    // Before, read as 10.0.0.1 and let in, while the relay's connection went to 8.0.0.1.
    expect(lab.allows("010.0.0.1")).toBe(false);
    expect(new AddressFilter(["192.168.10.0/24"]).allows("192.168.010.001")).toBe(false);
    // A range written so is refused, as any other that is not an address.
    expect(() => new AddressFilter(["0.09.0.0/0"])).toThrow(TypeError);
    expect(() => new AddressFilter(["010.0.0.0/8"])).toThrow(/not an address or an IPv4 range/);
    // Written exactly, it is the user's own choice.
    expect(new AddressFilter(["010.0.0.1"]).allows("010.0.0.1")).toBe(true);
    expect(new AddressFilter(["0.0.0.0/0"]).allows("0.0.0.0")).toBe(true);
  });

  it("certificate: a CURVE key option of 40 Z85 characters over 32 bits is refused, not read as no key", () => {
    // "%%%%%" is 84 * (85^4 + ... + 1) > 2^32 - 1: z85Decode (like libzmq's) gives nothing for it.
    const overflowing = `%%%%%${"0".repeat(35)}`;
    expect(curveKey(Buffer.from(overflowing))).toBeUndefined();
    expect(isCurveKey(Buffer.from(overflowing))).toBe(false);
    // Before, taken: the CURVE server then ran with an all-zero secret key.
    expect(() => new Router({ curveServer: true, curveSecretKey: overflowing })).toThrow(ZmqError);
    const { secretKey } = curveKeyPair();
    expect(isCurveKey(Buffer.from(secretKey))).toBe(true);
    const router = new Router({ curveServer: true, curveSecretKey: secretKey });
    router.close();
  });
});

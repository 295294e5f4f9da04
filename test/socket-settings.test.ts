/**
 * The options-to-settings adapters (src/zmq/socket/settings.ts) on their own: a fake option
 * reader (the table's defaults, some values set) in, the settings the layers below take out.
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { nullMechanism } from "../src/zmq/mechanism/null.js";
import { OPTIONS_BY_NAME } from "../src/zmq/socket/option-table.js";
import {
  connectOptionsOf,
  engineOptionsOf,
  keepAliveOf,
  listenOptionsOf,
  type OptionReader,
  securityOf,
  wsAccessOf,
} from "../src/zmq/socket/settings.js";

/** A reader of the table's defaults, with `set` over them (strings as the socket keeps them: bytes). */
function reader(set: Record<string, unknown> = {}): OptionReader {
  return ((name: string) => {
    if (name in set) {
      const value = set[name];
      return typeof value === "string" ? Buffer.from(value) : value;
    }
    const row = OPTIONS_BY_NAME.get(name);
    if (!row) throw new Error(`no option ${name}`);
    return row.kind === "string" && typeof row.default === "string" ? Buffer.from(row.default) : row.default;
  }) as OptionReader;
}

describe("socket settings from options", () => {
  it("keepalive: -1 leaves the OS default; the idle time goes from seconds to ms", () => {
    expect(keepAliveOf(reader())).toBeUndefined();
    expect(keepAliveOf(reader({ tcpKeepalive: 1, tcpKeepaliveIdle: 30 }))).toEqual({ enable: true, idleMs: 30_000 });
    expect(keepAliveOf(reader({ tcpKeepalive: 0, tcpKeepaliveIdle: -1 }))).toEqual({ enable: false, idleMs: 0 });
  });

  it("a connection attempt takes the timeout, keepalive, mechanism, size limit and TLS options as text", () => {
    const options = connectOptionsOf(
      reader({
        connectTimeout: 250,
        maxMessageSize: 1024,
        wssTrustPem: "PEM",
        wssHostname: "lab",
        wssTrustSystem: false,
      }),
      nullMechanism,
    );
    expect(options).toEqual({
      timeout: 250,
      keepAlive: undefined,
      mechanism: "NULL",
      maxMessageSize: 1024,
      tls: { trustPem: "PEM", trustSystem: false, hostname: "lab" },
    });
    expect(connectOptionsOf(reader(), nullMechanism).tls).toEqual({
      trustPem: undefined,
      trustSystem: true,
      hostname: undefined,
    });
  });

  it("a listener takes TLS, WebSocket access (origins, hosts, token), the message timeout and the connection cap", () => {
    const options = listenOptionsOf(
      reader({
        wssCertPem: "CERT",
        wssKeyPem: "KEY",
        wsAllowedOrigins: "https://lab.example",
        wsAllowedHosts: "lab.example",
        wsToken: "secret",
        wsMessageTimeout: 5000,
        maxConnections: 8,
      }),
      nullMechanism,
    );
    expect(options.tls).toEqual({ certPem: "CERT", keyPem: "KEY" });
    expect(options.access?.origins).toEqual(new Set(["https://lab.example"]));
    expect(options.access?.hosts).toEqual(new Set(["lab.example"]));
    expect(options.access?.token).toBe("secret");
    expect([options.messageTimeout, options.maxConnections, options.mechanism]).toEqual([5000, 8, "NULL"]);
  });

  it("no WebSocket option set: no page, any host, no token", () => {
    expect(wsAccessOf(reader())).toEqual({ origins: new Set(), hosts: undefined, token: undefined });
  });

  it("an engine takes the socket's type, routing id and ZAP client, the heartbeats and the ZAP domain as text", () => {
    const zap = () => undefined;
    const routingId = Buffer.from("me");
    const options = engineOptionsOf(
      reader({ heartbeatInterval: 100, heartbeatTimeout: 300, zapDomain: "lab", zapEnforceDomain: true }),
      { socketType: "DEALER", routingId, zap },
      nullMechanism,
      true,
    );
    expect(options).toMatchObject({
      socketType: "DEALER",
      routingId,
      mechanism: nullMechanism,
      bound: true,
      heartbeatInterval: 100,
      heartbeatTimeout: 300,
      zap,
      zapDomain: "lab",
      zapEnforceDomain: true,
    });
    expect(
      engineOptionsOf(reader(), { socketType: "PUB", routingId: undefined, zap }, nullMechanism, false).zapDomain,
    ).toBe("");
  });

  it("the security options are read as stored, with the context's CURVE workers", () => {
    const workers = { threads: 2 };
    const key = new Uint8Array(32).fill(7);
    expect(securityOf(reader({ curveServer: true, curveSecretKey: key }), workers)).toEqual({
      curveServer: true,
      curvePublicKey: null,
      curveSecretKey: key,
      curveServerKey: null,
      plainServer: false,
      plainUsername: null,
      plainPassword: null,
      curveWorkers: workers,
    });
  });
});

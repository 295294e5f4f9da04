/**
 * Who may open a WebSocket to a ws:// bind: browsers send any page's WebSockets anywhere, so a
 * page's upgrade (it carries an Origin) is let in only when its origin is allowed; Host names and
 * a token are checked when the socket asks for them; clients without Origin are not concerned.
 */
import { describe, expect, it } from "vitest";
import { Dealer, Pull, Push, Router } from "../src/zmq/index.js";
import { checkAccess } from "../src/zmq/transport/ws/ws-access.js";
import { hostName, normalizeOrigin, parseHosts, parseOrigins } from "../src/zmq/transport/ws/ws-origins.js";
import { tokensEqual } from "../src/util/tokens.js";
import { RawWs } from "./helpers/raw-ws.js";
import { bound, track } from "./helpers/sockets.js";

const headers = (h: Record<string, string>) => new Map(Object.entries(h));

describe("access rules (sans IO)", () => {
  it("normalises origins as browsers send them, and refuses what is not one", () => {
    expect(normalizeOrigin("HTTP://Lab.Example:80")).toBe("http://lab.example");
    expect(normalizeOrigin("https://lab.example:8443")).toBe("https://lab.example:8443");
    expect(normalizeOrigin("http://[::1]:8080")).toBe("http://[::1]:8080");
    expect(normalizeOrigin("null")).toBe("null");
    expect(normalizeOrigin("http://a.example/path")).toBeUndefined();
    expect(normalizeOrigin("lab.example")).toBeUndefined();
    expect(parseOrigins("http://a.example, https://b.example:444")).toEqual(
      new Set(["http://a.example", "https://b.example:444"]),
    );
    expect(parseOrigins("http://a.example *")).toBe("*");
    expect(() => parseOrigins("http://a.example/x")).toThrow(/not an origin/);
  });

  it("reads host names from Host headers: no port, no brackets, lower case", () => {
    expect(hostName("LocalHost:8080")).toBe("localhost");
    expect(hostName("[::1]:8080")).toBe("::1");
    expect(hostName("::1")).toBe("::1");
    // A trailing dot is another name to the browser (another origin): kept, so not allowed.
    expect(hostName("lab.example.")).toBe("lab.example.");
    expect(parseHosts("a.example,B.example")).toEqual(new Set(["a.example", "b.example"]));
    expect(parseHosts("*")).toBeUndefined();
  });

  it("checks host (for pages), origin, then token", () => {
    const access = {
      origins: new Set(["http://127.0.0.1:8080"]),
      hosts: new Set(["127.0.0.1"]),
      token: "s3cret-token",
    };
    const page = { host: "127.0.0.1:9000", origin: "http://127.0.0.1:8080" };
    expect(checkAccess(access, headers(page), "/cam?token=s3cret-token")).toBeUndefined();
    expect(checkAccess(access, headers({ ...page, host: "evil.example:9000" }), "/?token=s3cret-token")).toMatchObject({
      status: 403,
      reason: expect.stringMatching(/host "evil.example"/),
    });
    expect(checkAccess(access, headers({ ...page, origin: "http://evil.example" }), "/?token=s3cret-token")).toEqual({
      status: 403,
      reason: 'origin "http://evil.example" is not allowed',
    });
    expect(checkAccess(access, headers(page), "/cam")).toMatchObject({ status: 401 });
    expect(checkAccess(access, headers(page), "/cam?token=wrong-token")).toMatchObject({ status: 403 });
    expect(checkAccess(access, headers({ ...page, authorization: "token s3cret-token" }), "/cam")).toBeUndefined();
    // A client that is not a browser sends no Origin: neither Host nor origin concerns it, the token does.
    expect(checkAccess(access, headers({ host: "device.lab:9000" }), "/?token=s3cret-token")).toBeUndefined();
    expect(checkAccess(access, headers({ host: "device.lab:9000" }), "/")).toMatchObject({ status: 401 });
  });

  it("quotes what it repeats from the request: no control character reaches a log", () => {
    const refusal = checkAccess({ origins: new Set() }, headers({ origin: "\u001b]0;x\u0007" }), "/");
    expect([...(refusal?.reason ?? "")].every((c) => c.charCodeAt(0) >= 0x20)).toBe(true);
    expect(refusal?.reason).toContain("\\u001b");
  });

  it("compares tokens by their digests, whatever their lengths", () => {
    expect(tokensEqual("abcdefgh", "abcdefgh")).toBe(true);
    expect(tokensEqual("abcdefgh", "abcdefgi")).toBe(false);
    expect(tokensEqual("abc", "abcdefgh")).toBe(false);
  });
});

describe("a ws:// bind and web pages", () => {
  it("refuses a page's upgrade by default (403, one line why) and never counts it as a connection", async () => {
    const pull = await bound(new Pull(), "ws://127.0.0.1:0/feed");
    const accepted: string[] = [];
    pull.events.on("accept", (e) => accepted.push(String(e.address)));
    const endpoint = pull.lastEndpoint!;
    const { ws, status, body } = await RawWs.open(endpoint, "ZWS2.0", { Origin: "http://evil.example" });
    expect(status).toBe(403);
    expect(body).toBe('origin "http://evil.example" is not allowed\n');
    await ws.ended();
    // A client without Origin (ours, in Node) is let in, and is the only connection the socket saw.
    const push = track(new Push());
    push.connect(endpoint);
    await push.send("from node");
    expect(String((await pull.receive())[0])).toBe("from node");
    expect(accepted).toHaveLength(1);
  });

  it("lets in the origins it is given, and any page with *", async () => {
    const only = await bound(
      new Router({ wsAllowedOrigins: "http://127.0.0.1:8080 https://lab.example" }),
      "ws://127.0.0.1:0",
    );
    const own = await RawWs.open(only.lastEndpoint!, "ZWS2.0", { Origin: "http://127.0.0.1:8080" });
    expect(own.status).toBe(101);
    own.ws.destroy();
    const other = await RawWs.open(only.lastEndpoint!, "ZWS2.0", { Origin: "http://127.0.0.1:8081" });
    expect(other.status).toBe(403);
    const any = await bound(new Router({ wsAllowedOrigins: "*" }), "ws://127.0.0.1:0");
    const page = await RawWs.open(any.lastEndpoint!, "ZWS2.0", { Origin: "http://anything.example" });
    expect(page.status).toBe(101);
    page.ws.destroy();
  });

  it("refuses a malformed origin list when it is set, as any bad option value", () => {
    expect(() => new Router({ wsAllowedOrigins: "lab.example" })).toThrow(expect.objectContaining({ code: "EINVAL" }));
  });

  it("with wsAllowedHosts, refuses a page whose Host names another machine (DNS rebinding)", async () => {
    const router = await bound(
      new Router({ wsAllowedOrigins: "*", wsAllowedHosts: "127.0.0.1 localhost" }),
      "ws://127.0.0.1:0",
    );
    const port = new URL(router.lastEndpoint!).port;
    const rebound = await RawWs.open(router.lastEndpoint!, "ZWS2.0", {
      Origin: `http://rebind.example:${port}`,
      Host: `rebind.example:${port}`,
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/host "rebind.example"/);
    const local = await RawWs.open(router.lastEndpoint!, "ZWS2.0", {
      Origin: "http://localhost:3000",
      Host: `localhost:${port}`,
    });
    expect(local.status).toBe(101);
    local.ws.destroy();
  });

  it("with wsToken, wants ?token= (or Authorization: token); our client passes the URL's query", async () => {
    const router = await bound(new Router({ wsToken: "a-long-secret" }), "ws://127.0.0.1:0/dev");
    const url = router.lastEndpoint!;
    expect((await RawWs.open(url, "ZWS2.0")).status).toBe(401);
    expect((await RawWs.open(`${url}?token=nope-nope`, "ZWS2.0")).status).toBe(403);
    const byHeader = await RawWs.open(url, "ZWS2.0", { Authorization: "token a-long-secret" });
    expect(byHeader.status).toBe(101);
    byHeader.ws.destroy();
    const dealer = track(new Dealer({ routingId: "d" }));
    dealer.connect(`${url}?token=a-long-secret`);
    await dealer.send("hi");
    const [id, msg] = await router.receive();
    expect([String(id), String(msg)]).toEqual(["d", "hi"]);
    expect(router.wsToken).toBeUndefined(); // write-only, as the keys
  });

  it("a connect endpoint's query stays out of events (a token is not logged)", async () => {
    const router = await bound(new Router({ wsToken: "a-long-secret" }), "ws://127.0.0.1:0/dev");
    const endpoint = router.lastEndpoint!;
    const dealer = track(new Dealer());
    const handshakes: string[] = [];
    const done = new Promise<void>((resolve) =>
      dealer.events.on("handshake", (e) => {
        handshakes.push(String(e.address));
        resolve();
      }),
    );
    dealer.connect(`${endpoint}?token=a-long-secret`);
    await done;
    expect(handshakes[0]).toBe(`${endpoint}?token=a-long-secret`); // what the user gave, as zeromq does
    expect(() => dealer.connect("ws://127.0.0.1:1/x?token=a b")).toThrow(expect.objectContaining({ code: "EINVAL" }));
    const router2 = track(new Router());
    await expect(router2.bind("ws://127.0.0.1:0/x?token=abc")).rejects.toMatchObject({ code: "EINVAL" });
  });
});

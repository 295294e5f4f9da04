/**
 * The connector on its own (src/zmq/socket/connector.ts), with a fake host recording what it
 * reports: attempts against a TCP port that refuses and one that accepts, the reconnection
 * backoff (under fake timers, the random part pinned), stop() and lastAttempt(). Loopback only,
 * ports from the OS.
 */
import * as net from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Connector, type ConnectorHost } from "../src/zmq/socket/connector.js";
import type { Carrier } from "../src/zmq/transport/carrier.js";
import { inprocTransport } from "../src/zmq/transport/inproc.js";
import { settle } from "../conformance/helpers/wait.js";

/** Taken before any test fakes the timers: bounds the waits below. */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

type Reported =
  | { type: "attempting" | "failed" }
  | { type: "retrying"; interval: number }
  | { type: "connected"; carrier: Carrier };

interface Settings {
  interval: number;
  max: number;
  closed: boolean;
}

/** A connector's host that records what it is told; `when(type, n)` resolves at the n-th report of `type`. */
function fakeHost(values: Partial<Settings> = {}) {
  const settings: Settings = { interval: 100, max: 0, closed: false, ...values };
  const reported: Reported[] = [];
  const watchers: Array<() => void> = [];
  let optionsRead = 0;
  const record = (r: Reported) => {
    reported.push(r);
    for (const w of [...watchers]) w();
  };
  const host: ConnectorHost = {
    settings: {
      reconnectInterval: () => settings.interval,
      reconnectMaxInterval: () => settings.max,
      closed: () => settings.closed,
    },
    connected: (_c, carrier) => record({ type: "connected", carrier }),
    connectOptions: () => {
      optionsRead++;
      return {};
    },
    attempting: () => record({ type: "attempting" }),
    failed: () => record({ type: "failed" }),
    retrying: (_c, interval) => record({ type: "retrying", interval }),
  };
  const count = (type: Reported["type"]) => reported.filter((r) => r.type === type).length;
  const when = (type: Reported["type"], n = 1, timeout = 5000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (count(type) < n) return false;
        realClearTimeout(timer);
        watchers.splice(watchers.indexOf(check), 1);
        resolve();
        return true;
      };
      const timer = realSetTimeout(() => {
        watchers.splice(watchers.indexOf(check), 1);
        reject(new Error(`timed out waiting for ${n} "${type}" reports (have ${count(type)})`));
      }, timeout);
      watchers.push(check);
      check();
    });
  return {
    host,
    settings,
    reported,
    count,
    when,
    types: () => reported.map((r) => r.type),
    intervals: () => reported.flatMap((r) => (r.type === "retrying" ? [r.interval] : [])),
    optionsRead: () => optionsRead,
  };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A port of 127.0.0.1 that nothing listens on (the OS gave it, and it was closed again). */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server on 127.0.0.1 that accepts, and says when a connection comes and when it closes. */
async function acceptingServer() {
  const sockets: net.Socket[] = [];
  const closed: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    socket.on("close", () => closed.push(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port, sockets, closed };
}

/** Polls with the real timers (the test may have faked them). */
async function realUntil(condition: () => boolean, what: string, timeout = 5000): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  }
}

function connector(endpoint: string, host: ConnectorHost): Connector {
  const c = new Connector(endpoint, host);
  cleanups.push(() => c.stop());
  return c;
}

describe("Connector: one attempt", () => {
  it("against a port that refuses: attempting (tcp), then failed, then retrying after reconnectInterval and a random part", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const port = await refusedPort();
    const h = fakeHost({ interval: 100 });
    const c = connector(`tcp://127.0.0.1:${port}`, h.host);
    expect(c.attempting).toBe(false);
    c.attempt();
    expect(h.types()).toEqual(["attempting"]); // at once, before the outcome
    expect(c.attempting).toBe(true);
    await h.when("retrying");
    expect(h.types()).toEqual(["attempting", "failed", "retrying"]);
    expect(h.intervals()).toEqual([150]); // 100 + floor(0.5 * 100)
    expect(c.attempting).toBe(false);
    expect(c.active).toBe(true);
    expect(h.optionsRead()).toBe(1);
  });

  it("against a port that accepts: connected with the carrier, nothing failed", async () => {
    const { port, sockets } = await acceptingServer();
    const h = fakeHost();
    const c = connector(`tcp://127.0.0.1:${port}`, h.host);
    c.attempt();
    await h.when("connected");
    const r = h.reported.find((x) => x.type === "connected");
    const carrier = (r as { carrier: Carrier }).carrier;
    cleanups.push(() => carrier.destroy());
    expect(carrier.remoteAddress).toBe(`tcp://127.0.0.1:${port}`);
    expect(h.types()).toEqual(["attempting", "connected"]);
    expect(c.attempting).toBe(false);
    await realUntil(() => sockets.length === 1, "the server to see the connection");
  });

  it("reports no attempting for an inproc connect (only tcp attempts are in progress for a while)", async () => {
    const name = `connector-${process.pid}-${Math.random()}`;
    const accepted: Carrier[] = [];
    const listener = await inprocTransport.listen(name, (carrier) => accepted.push(carrier));
    cleanups.push(() => listener.close());
    const h = fakeHost();
    const c = connector(`inproc://${name}`, h.host);
    c.attempt();
    await h.when("connected");
    expect(h.types()).toEqual(["connected"]);
    expect(accepted).toHaveLength(1);
  });

  it("reconnectInterval -1: a failed attempt is reported, and none other is made", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const port = await refusedPort();
    const h = fakeHost({ interval: -1 });
    const c = connector(`tcp://127.0.0.1:${port}`, h.host);
    c.attempt();
    await h.when("failed");
    expect(vi.getTimerCount()).toBe(0);
    c.scheduleReconnect(); // nor after a broken connection
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(h.types()).toEqual(["attempting", "failed"]);
  });
});

describe("Connector: backoff (fake timers, random part pinned)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });

  /** Lets `n` failed attempts happen, each retry after its delay; the delays reported. */
  async function failures(c: Connector, h: ReturnType<typeof fakeHost>, n: number): Promise<number[]> {
    c.attempt();
    for (let i = 1; i <= n; i++) {
      await h.when("retrying", i);
      const delay = h.intervals()[i - 1]!;
      if (i === n) break;
      // Not a moment before the delay...
      vi.advanceTimersByTime(delay - 1);
      expect(h.count("attempting")).toBe(i);
      // ...and at once after it.
      vi.advanceTimersByTime(1);
      expect(h.count("attempting")).toBe(i + 1);
    }
    return h.intervals();
  }

  it("doubles reconnectInterval at each failure, up to reconnectMaxInterval", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const h = fakeHost({ interval: 100, max: 1000 });
    const c = connector(`tcp://127.0.0.1:${await refusedPort()}`, h.host);
    expect(await failures(c, h, 7)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(h.optionsRead()).toBe(7); // the attempt's settings read each time
  });

  it("keeps reconnectInterval when reconnectMaxInterval is 0 or not above it", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const port = await refusedPort();
    const h = fakeHost({ interval: 100, max: 0 });
    expect(await failures(connector(`tcp://127.0.0.1:${port}`, h.host), h, 4)).toEqual([100, 100, 100, 100]);
    const h2 = fakeHost({ interval: 100, max: 50 });
    expect(await failures(connector(`tcp://127.0.0.1:${port}`, h2.host), h2, 3)).toEqual([100, 100, 100]);
  });

  it("adds a random part of less than one reconnectInterval, which does not feed the doubling", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    const h = fakeHost({ interval: 100, max: 1000 });
    const c = connector(`tcp://127.0.0.1:${await refusedPort()}`, h.host);
    expect(await failures(c, h, 3)).toEqual([199, 299, 499]);
  });

  it("resetBackoff() starts again from reconnectInterval", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const h = fakeHost({ interval: 100, max: 1000 });
    const c = connector(`tcp://127.0.0.1:${await refusedPort()}`, h.host);
    expect(await failures(c, h, 3)).toEqual([100, 200, 400]);
    c.resetBackoff();
    vi.advanceTimersByTime(400); // the retry already scheduled keeps its delay
    expect(h.count("attempting")).toBe(4);
    await h.when("retrying", 4);
    expect(h.intervals()).toEqual([100, 200, 400, 100]);
  });

  it("scheduleReconnect() (a broken connection) reports the delay and attempts again after it", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const { port } = await acceptingServer();
    const h = fakeHost({ interval: 250, max: 0 });
    const c = connector(`tcp://127.0.0.1:${port}`, h.host);
    c.scheduleReconnect();
    expect(h.types()).toEqual(["retrying"]);
    expect(h.intervals()).toEqual([250]);
    vi.advanceTimersByTime(249);
    expect(h.count("attempting")).toBe(0);
    vi.advanceTimersByTime(1);
    expect(h.count("attempting")).toBe(1);
    await h.when("connected");
    const carrier = (h.reported.find((x) => x.type === "connected") as { carrier: Carrier }).carrier;
    carrier.destroy();
  });
});

describe("Connector: stop() and lastAttempt()", () => {
  it("stop() cancels a pending retry", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const h = fakeHost({ interval: 100 });
    const c = connector(`tcp://127.0.0.1:${await refusedPort()}`, h.host);
    c.attempt();
    await h.when("retrying");
    expect(vi.getTimerCount()).toBe(1);
    c.stop();
    expect(c.active).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(h.count("attempting")).toBe(1);
  });

  it("stop() during a tcp attempt: the carrier that arrives later is destroyed, and nothing is reported", async () => {
    const server = await acceptingServer();
    const h = fakeHost();
    const c = connector(`tcp://127.0.0.1:${server.port}`, h.host);
    c.attempt();
    c.stop();
    // The TCP connect is not given up by the signal: the connection is made, then dropped.
    await realUntil(() => server.closed.length === 1, "the server to see the connection closed");
    expect(c.attempting).toBe(false);
    expect(h.types()).toEqual(["attempting"]);
  });

  it("stop() during an inproc attempt waiting for its bind gives the attempt up: no failure, no retry, no connection", async () => {
    const name = `connector-${process.pid}-${Math.random()}`;
    const h = fakeHost({ interval: 10 });
    const c = connector(`inproc://${name}`, h.host);
    c.attempt();
    expect(c.attempting).toBe(true);
    c.stop();
    await realUntil(() => !c.attempting, "the attempt to end");
    const accepted: Carrier[] = [];
    const listener = await inprocTransport.listen(name, (carrier) => accepted.push(carrier));
    cleanups.push(() => listener.close());
    await settle(50); // absence: no connection to the name bound after the stop
    expect(accepted).toEqual([]);
    expect(h.reported).toEqual([]);
  });

  it("the socket closed while an attempt is under way: its carrier is destroyed", async () => {
    const server = await acceptingServer();
    const h = fakeHost();
    const c = connector(`tcp://127.0.0.1:${server.port}`, h.host);
    c.attempt();
    h.settings.closed = true;
    expect(c.active).toBe(false);
    await realUntil(() => server.closed.length === 1, "the server to see the connection closed");
    expect(h.types()).toEqual(["attempting"]);
  });

  it("a failure after the socket closed is not reported, nor retried", async () => {
    const h = fakeHost({ interval: 10 });
    const c = connector(`tcp://127.0.0.1:${await refusedPort()}`, h.host);
    c.attempt();
    h.settings.closed = true;
    await realUntil(() => !c.attempting, "the attempt to fail");
    await settle(50); // absence: no retry
    expect(h.types()).toEqual(["attempting"]);
  });

  it("lastAttempt(): the attempt under way still connects after the socket closed", async () => {
    const { port } = await acceptingServer();
    const h = fakeHost();
    const c = connector(`tcp://127.0.0.1:${port}`, h.host);
    c.attempt();
    h.settings.closed = true;
    c.lastAttempt();
    await h.when("connected");
    const carrier = (h.reported.find((x) => x.type === "connected") as { carrier: Carrier }).carrier;
    cleanups.push(() => carrier.destroy());
    expect(h.types()).toEqual(["attempting", "connected"]);
  });

  it("lastAttempt(): a pending retry is cancelled", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const h = fakeHost({ interval: 100 });
    const c = connector(`tcp://127.0.0.1:${await refusedPort()}`, h.host);
    c.attempt();
    await h.when("retrying");
    expect(vi.getTimerCount()).toBe(1);
    c.lastAttempt();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(h.count("attempting")).toBe(1);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AuthDecision,
  Authenticator,
  type AuthenticatorOptions,
  type AuthVerdict,
  Context,
  createCertificate,
  curveKeyPair,
  Dealer,
  Reply,
  Request,
  saveCertificate,
} from "../src/zmq/index.js";
import { addDomainPolicy } from "../src/zmq/internal.js";
import { bound, track } from "./helpers/sockets.js";

const started: Authenticator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const a of started.splice(0)) await a.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "plantrpc-auth-"));
  dirs.push(dir);
  return dir;
}

/** A started authenticator that records its decisions. */
async function authenticator(options: AuthenticatorOptions = {}) {
  const decisions: AuthDecision[] = [];
  const auth = new Authenticator({ ...options, onDecision: (d) => decisions.push(d) });
  await auth.start();
  started.push(auth);
  return { auth, decisions };
}

const SERVER = curveKeyPair();
const curveServer = (extra: object = {}) => ({ curveServer: true, curveSecretKey: SERVER.secretKey, ...extra });
const curveClient = (pair: { publicKey: string; secretKey?: string }) => ({
  curveServerKey: SERVER.publicKey,
  curvePublicKey: pair.publicKey,
  curveSecretKey: pair.secretKey!,
});

/**
 * One request from a new client: "served", or the ZAP status both sides' handshake:error:auth
 * events gave (they must agree).
 */
async function attempt(rep: Reply, clientOptions: object): Promise<"served" | number> {
  const req = track(new Request(clientOptions));
  const serverRefused = rep.events.once("handshake:error:auth");
  const clientRefused = req.events.once("handshake:error:auth");
  req.connect(rep.lastEndpoint!);
  void req.send("hello").catch(() => undefined);
  const served = rep.receive().then(async () => {
    await rep.send("welcome");
    await req.receive();
    return "served" as const;
  });
  const refused = Promise.all([serverRefused, clientRefused]).then(([s, c]) => {
    expect(c.error.status).toBe(s.error.status);
    return s.error.status;
  });
  return Promise.race([served, refused]);
}

describe("Authenticator: CURVE", () => {
  it("admits the clients whose certificates are in the directory, refuses the others, and sees certificates added", async () => {
    const dir = scratch();
    const friend = createCertificate({ name: "friend" });
    await saveCertificate(join(dir, "friend.key"), friend);
    const { decisions } = await authenticator({ curve: { directory: dir } });
    const rep = await bound(new Reply(curveServer()));
    expect(await attempt(rep, curveClient(friend))).toBe("served");
    const stranger = createCertificate();
    const rep2 = await bound(new Reply(curveServer()));
    expect(await attempt(rep2, curveClient(stranger))).toBe(400);
    await saveCertificate(join(dir, "stranger.key"), stranger);
    const rep3 = await bound(new Reply(curveServer()));
    expect(await attempt(rep3, curveClient(stranger))).toBe("served");
    expect(decisions.map((d) => [d.mechanism, d.user, d.status, d.rule, d.reason])).toEqual([
      ["CURVE", friend.publicKey, 200, "certificate", "OK"],
      ["CURVE", stranger.publicKey, 400, "key", "Unknown key"],
      ["CURVE", stranger.publicKey, 200, "certificate", "OK"],
    ]);
    expect(decisions[0]).toMatchObject({ address: "127.0.0.1", domain: "", allowed: true, userId: friend.publicKey });
  });

  it("admits listed keys, or any key; refuses every CURVE client until a policy says otherwise (as zauth)", async () => {
    const listed = curveKeyPair();
    const { auth, decisions } = await authenticator();
    const rep = await bound(new Reply(curveServer()));
    expect(await attempt(rep, curveClient(listed))).toBe(400);
    auth.configure("*", { curve: { keys: [listed.publicKey] } });
    const rep2 = await bound(new Reply(curveServer()));
    expect(await attempt(rep2, curveClient(listed))).toBe("served");
    auth.configure("*", { curve: { allowAny: true } });
    const rep3 = await bound(new Reply(curveServer()));
    expect(await attempt(rep3, curveClient(curveKeyPair()))).toBe("served");
    expect(decisions.map((d) => [d.status, d.rule, d.reason])).toEqual([
      [400, "no-rule", 'No policy for the domain ""'],
      [200, "key", "OK"],
      [200, "any-key", "OK"],
    ]);
  });

  it("a key that is not Z85 in a policy is a TypeError; a directory that does not exist fails start() (ENOENT)", async () => {
    expect(() => new Authenticator({ curve: { keys: ["nope"] } })).toThrow(TypeError);
    const absent = new Authenticator({ curve: { directory: join(scratch(), "absent") } });
    await expect(absent.start()).rejects.toMatchObject({ code: "ENOENT", message: expect.stringContaining("absent") });
    expect(Authenticator.of()).toBeUndefined();
  });
});

describe("Authenticator: PLAIN, addresses, domains, the check callback", () => {
  it("PLAIN by passwords given, or in a file read again when it changes", async () => {
    const file = join(scratch(), "passwords");
    writeFileSync(file, "# users\nbob=builder\n");
    const { auth, decisions } = await authenticator({ plain: { passwords: { admin: "secret" } } });
    const plain = (username: string, password: string) => ({ plainUsername: username, plainPassword: password });
    expect(await attempt(await bound(new Reply({ plainServer: true })), plain("admin", "secret"))).toBe("served");
    expect(await attempt(await bound(new Reply({ plainServer: true })), plain("admin", "wrong"))).toBe(400);
    expect(await attempt(await bound(new Reply({ plainServer: true })), plain("eve", "x"))).toBe(400);
    auth.configure("*", { plain: { passwordFile: file } });
    expect(await attempt(await bound(new Reply({ plainServer: true })), plain("bob", "builder"))).toBe("served");
    writeFileSync(file, "bob=rebuilt\n");
    expect(await attempt(await bound(new Reply({ plainServer: true })), plain("bob", "rebuilt"))).toBe("served");
    expect(decisions.map((d) => [d.user, d.status, d.reason])).toEqual([
      ["admin", 200, "OK"],
      ["admin", 400, "Invalid password"],
      ["eve", 400, "Invalid username"],
      ["bob", 200, "OK"],
      ["bob", 200, "OK"],
    ]);
    expect(decisions[0]?.userId).toBe("admin");
  });

  it("denied addresses are refused whatever the mechanism; an allow list refuses the rest", async () => {
    const { auth, decisions } = await authenticator({ deny: ["127.0.0.1"], curve: { allowAny: true } });
    expect(await attempt(await bound(new Reply(curveServer())), curveClient(curveKeyPair()))).toBe(400);
    expect(await attempt(await bound(new Reply({ zapDomain: "lab" })), {})).toBe(400);
    const other = await authenticator.call(null, {}).catch((e) => e);
    expect(other).toMatchObject({ code: "EADDRINUSE", message: expect.stringContaining("Authenticator.of") });
    await auth.stop();
    const { decisions: second } = await authenticator({ allow: ["10.1.2.3"], curve: { allowAny: true } });
    expect(await attempt(await bound(new Reply(curveServer())), curveClient(curveKeyPair()))).toBe(400);
    const { auth: third } = { auth: Authenticator.of()! };
    third.allow("127.0.0.1");
    expect(await attempt(await bound(new Reply(curveServer())), curveClient(curveKeyPair()))).toBe("served");
    expect(decisions.map((d) => [d.mechanism, d.rule, d.reason])).toEqual([
      ["CURVE", "deny-list", "Address is denied"],
      ["NULL", "deny-list", "Address is denied"],
    ]);
    expect(second.map((d) => [d.rule, d.status])).toEqual([
      ["allow-list", 400],
      ["any-key", 200],
    ]);
  });

  it("each ZAP domain has its own policy; '*' serves the domains without one; NULL is admitted unless a check decides", async () => {
    const a = curveKeyPair();
    const b = curveKeyPair();
    await authenticator({ curve: { keys: [a.publicKey] }, domains: { devices: { curve: { keys: [b.publicKey] } } } });
    const devices = () => bound(new Reply(curveServer({ zapDomain: "devices" })));
    const lab = () => bound(new Reply(curveServer({ zapDomain: "lab" })));
    expect(await attempt(await devices(), curveClient(b))).toBe("served");
    expect(await attempt(await devices(), curveClient(a))).toBe(400);
    expect(await attempt(await lab(), curveClient(a))).toBe("served");
    expect(await attempt(await bound(new Reply({ zapDomain: "lab" })), {})).toBe("served");
  });

  it("the check callback decides what the rules leave: its verdict, a status, or 500 when it throws", async () => {
    const asked: string[] = [];
    const known = curveKeyPair();
    const verdicts: (AuthVerdict | "throw")[] = [
      { allow: true, userId: "robot" },
      { allow: false, status: 300 },
      "throw",
    ];
    const { decisions } = await authenticator({
      curve: { keys: [known.publicKey] },
      check: (request) => {
        asked.push(`${request.mechanism} ${request.publicKey ?? ""}`);
        const verdict = verdicts.shift();
        if (verdict === "throw") throw new Error("database down");
        return verdict!;
      },
    });
    const server = () => bound(new Reply(curveServer()));
    expect(await attempt(await server(), curveClient(known))).toBe("served");
    const unknown = curveKeyPair();
    expect(await attempt(await server(), curveClient(unknown))).toBe("served");
    expect(await attempt(await server(), curveClient(unknown))).toBe(300);
    expect(await attempt(await server(), curveClient(unknown))).toBe(500);
    expect(asked).toEqual([1, 2, 3].map(() => `CURVE ${unknown.publicKey}`));
    expect(decisions.map((d) => [d.rule, d.status, d.userId])).toEqual([
      ["key", 200, known.publicKey],
      ["check", 200, "robot"],
      ["check", 300, undefined],
      ["error", 500, undefined],
    ]);
    expect(decisions[3]?.error?.message).toBe("database down");
  });

  it("answers a malformed ZAP request with 400 and goes on serving", async () => {
    const { decisions } = await authenticator({ curve: { allowAny: true } });
    const raw = track(new Dealer());
    raw.connect("inproc://zeromq.zap.01");
    await raw.send(["", "1.0", "id-1"]);
    expect((await raw.receive()).map(String)).toEqual(["", "1.0", "id-1", "400", "Not enough frames", "", ""]);
    await raw.send(["", "2.0", "id-2", "", "127.0.0.1", "", "NULL"]);
    expect((await raw.receive()).map(String).slice(3, 5)).toEqual(["400", "Invalid request"]);
    await raw.send(["", "1.0", "id-3", "", "127.0.0.1", "", "CURVE", "short key"]);
    expect((await raw.receive()).map(String).slice(3, 5)).toEqual(["400", "Invalid request"]);
    expect(await attempt(await bound(new Reply(curveServer())), curveClient(curveKeyPair()))).toBe("served");
    expect(decisions.map((d) => d.rule)).toEqual(["malformed", "malformed", "malformed", "any-key"]);
  });

  it("authenticate() decides without a socket, as the handler would", async () => {
    const auth = new Authenticator({ plain: { passwords: { admin: "secret" } }, deny: ["192.0.2.1"] });
    const base = { domain: "", identity: new Uint8Array(0), mechanism: "PLAIN" };
    expect(
      await auth.authenticate({ ...base, address: "127.0.0.1", username: "admin", password: "secret" }),
    ).toMatchObject({
      allowed: true,
      status: 200,
      userId: "admin",
    });
    expect(
      await auth.authenticate({ ...base, address: "192.0.2.1", username: "admin", password: "secret" }),
    ).toMatchObject({ allowed: false, rule: "deny-list" });
  });

  it("serves its own context's sockets, as libzmq has one ZAP handler per context", async () => {
    const other = new Context();
    const { auth: mine } = await authenticator({ curve: { allowAny: true } });
    // The other context's handler refuses every CURVE client (no rule admits one).
    const { auth: theirs } = await authenticator({ context: other, curve: { keys: [] } });
    expect(Authenticator.of()).toBe(mine);
    expect(Authenticator.of(other)).toBe(theirs);
    await expect(new Authenticator({ context: other }).start()).rejects.toMatchObject({ code: "EADDRINUSE" });
    const ours = await bound(new Reply(curveServer()));
    const inOther = await bound(new Reply({ ...curveServer(), context: other } as never));
    expect(await attempt(ours, curveClient(curveKeyPair()))).toBe("served");
    expect(await attempt(inOther, curveClient(curveKeyPair()))).toBe(400);
    await theirs.stop();
    expect(Authenticator.of(other)).toBeUndefined();
    // No handler left in that context: CURVE clients are admitted there, as libzmq does (a new
    // REP: the refused attempt left a receive waiting on the first).
    const later = await bound(new Reply({ ...curveServer(), context: other } as never));
    expect(await attempt(later, curveClient(curveKeyPair()))).toBe("served");
  });
});

describe("the authenticator's own robustness", () => {
  it("a decision listener that throws keeps no client from its answer", async () => {
    const auth = new Authenticator({
      curve: { allowAny: true },
      onDecision: () => {
        throw new Error("a broken logger");
      },
    });
    await auth.start();
    started.push(auth);
    expect(await attempt(await bound(new Reply(curveServer())), curveClient(curveKeyPair()))).toBe("served");
    expect(await attempt(await bound(new Reply(curveServer())), curveClient(curveKeyPair()))).toBe("served");
  });

  it("a stop() during start() waits for it, then stops: nothing is left serving", async () => {
    const auth = new Authenticator({ curve: { allowAny: true } });
    const starting = auth.start();
    await auth.stop();
    await starting;
    expect(auth.running).toBe(false);
    expect(Authenticator.of()).toBeUndefined();
    // Two starts at once are one start.
    const again = new Authenticator({ curve: { allowAny: true } });
    started.push(again);
    await Promise.all([again.start(), again.start()]);
    expect(again.running).toBe(true);
  });
});

describe("a component's own domain on the context's authenticator (devices, the registry)", () => {
  it("two components starting at once share one authenticator", async () => {
    const [a, b] = await Promise.all([
      addDomainPolicy("device-a", { curve: { allowAny: true } }),
      addDomainPolicy("device-b", { curve: { allowAny: true } }),
    ]);
    const auth = Authenticator.of();
    expect(auth?.running).toBe(true);
    await a();
    expect(Authenticator.of()).toBe(auth);
    await b();
    expect(Authenticator.of()).toBeUndefined();
  });

  it("a component that adds its domain while the last one lets go gets a running authenticator", async () => {
    const first = await addDomainPolicy("device-c", { curve: { allowAny: true } });
    const [second] = await Promise.all([addDomainPolicy("device-d", { curve: { allowAny: true } }), first()]);
    expect(Authenticator.of()?.running).toBe(true);
    await second();
    expect(Authenticator.of()).toBeUndefined();
  });

  it("starts one when none runs, which admits other CURVE sockets as no handler would, and stops with the last user", async () => {
    const friend = curveKeyPair();
    const release = await addDomainPolicy("device-1", { curve: { keys: [friend.publicKey] } });
    const auth = Authenticator.of();
    expect(auth?.running).toBe(true);
    expect(await attempt(await bound(new Reply(curveServer({ zapDomain: "device-1" }))), curveClient(friend))).toBe(
      "served",
    );
    expect(
      await attempt(await bound(new Reply(curveServer({ zapDomain: "device-1" }))), curveClient(curveKeyPair())),
    ).toBe(400);
    expect(await attempt(await bound(new Reply(curveServer())), curveClient(curveKeyPair()))).toBe("served");
    await release();
    expect(Authenticator.of()).toBeUndefined();
    expect(auth?.running).toBe(false);
  });

  it("adds to the program's own authenticator, and leaves it running", async () => {
    const { auth } = await authenticator();
    const friend = curveKeyPair();
    const release = await addDomainPolicy("device-2", { curve: { keys: [friend.publicKey] } });
    expect(Authenticator.of()).toBe(auth);
    expect(await attempt(await bound(new Reply(curveServer({ zapDomain: "device-2" }))), curveClient(friend))).toBe(
      "served",
    );
    await release();
    expect(auth.running).toBe(true);
    expect(await attempt(await bound(new Reply(curveServer({ zapDomain: "device-2" }))), curveClient(friend))).toBe(
      400,
    );
  });

  it("refuses a certificate directory that does not exist (ENOENT), starting nothing", async () => {
    await expect(
      addDomainPolicy("device-3", { curve: { directory: join(scratch(), "absent") } }),
    ).rejects.toMatchObject({
      code: "ENOENT",
    });
    expect(Authenticator.of()).toBeUndefined();
  });
});

/**
 * Authentication with the two other implementations people use, both ways: pyzmq's `zmq.auth`
 * (Debian's python3-zmq) and CZMQ's zauth and zcert (Debian's libczmq-dev, through a small C peer
 * compiled here) guarding their servers against our clients, our Authenticator guarding our
 * server against their clients, and certificate files written by each read by the others.
 * The peers: conformance/peers/auth_peer.py and conformance/peers/czmq_peer.c.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AuthDecision,
  Authenticator,
  type AuthenticatorOptions,
  type Certificate,
  CertificateStore,
  createCertificate,
  loadCertificate,
  Reply,
  Request,
  saveCertificate,
} from "../src/zmq/index.js";
import { track } from "../test/helpers/sockets.js";
import { hasPyzmq, PYTHON } from "./helpers/python.js";
import { Lines } from "./helpers/python-rpc.js";

const AUTH_PEER = fileURLToPath(new URL("peers/auth_peer.py", import.meta.url));
const CZMQ_PEER_SOURCE = fileURLToPath(new URL("peers/czmq_peer.c", import.meta.url));

// What a peer prints: one JSON object (or array) a line.
type Json = any;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A temporary directory, removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "plantrpc-auth-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs a one-shot peer command to its end (within 10 s): the JSON of its last stdout line. */
function run(file: string, args: string[]): Promise<Json> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args[0]} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1)!));
    });
  });
}

const python = (...args: string[]) => run(PYTHON, [AUTH_PEER, ...args]);

/** A server peer: its "ready" line, then one line per request it served. Ended after the test. */
interface ServerPeer {
  endpoint: string;
  serverKey: string;
  /** The next request it served (a JSON line), within 5 s. */
  next(): Promise<Json>;
}

async function startServer(file: string, args: string[]): Promise<ServerPeer> {
  const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  cleanups.push(async () => {
    child.stdin.end(); // it ends when stdin closes; killed if it lingers
    await within(exited, 2000, "the server peer to end").catch(() => child.kill("SIGKILL"));
  });
  const lines = new Lines(child);
  const failed = () => new Error(`${file} ${args[0]} did not start: ${stderr}`);
  const ready = JSON.parse(await lines.next(10_000).catch(() => Promise.reject(failed()))) as Json;
  if (!ready.ready) throw failed();
  return { ...ready, next: async () => JSON.parse(await lines.next(5000)) as Json };
}

/** Starts an Authenticator on the global context; stopped after the test. */
async function startAuthenticator(options: AuthenticatorOptions): Promise<Authenticator> {
  const auth = new Authenticator(options);
  await auth.start();
  cleanups.push(() => auth.stop());
  return auth;
}

/** Our REP server answering "served <request>" until closed (after the test). */
async function ourServer(options: object): Promise<Reply> {
  const rep = track(new Reply({ linger: 0, ...options }));
  await rep.bind("tcp://127.0.0.1:*");
  void (async () => {
    for await (const [request] of rep) await rep.send(`served ${String(request)}`);
  })().catch(() => undefined);
  return rep;
}

/** Our client with these options sends "hello" to `endpoint` and gets its reply. */
async function servedOurs(endpoint: string, options: object): Promise<string> {
  const req = track(new Request({ linger: 0, receiveTimeout: 5000, ...options }));
  req.connect(endpoint);
  await req.send("hello");
  return String((await req.receive())[0]);
}

/** How a handshake of our client failed: the event's type, and the ZAP status for handshake:error:auth. */
interface Refusal {
  type: string;
  status?: number;
}

/** Our client with these options connects to `endpoint` and is refused: its first handshake error. */
async function refusedOurs(endpoint: string, options: object): Promise<Refusal> {
  const req = track(new Request({ linger: 0, ...options }));
  const failed = new Promise<Refusal>((resolve) => {
    req.events.on("handshake:error:auth", (e) => resolve({ type: e.type, status: e.error.status }));
    req.events.on("handshake:error:protocol", (e) => resolve({ type: e.type }));
    req.events.on("handshake:error:other", (e) => resolve({ type: e.type }));
  });
  req.connect(endpoint);
  void req.send("let me in").catch(() => undefined); // pending until closed: the handshake fails
  const refusal = await within(failed, 5000, "a handshake error");
  req.close(); // no more attempts at the server
  return refusal;
}

const REFUSED_400: Refusal = { type: "handshake:error:auth", status: 400 };

/** A CURVE client's options for a certificate of ours. */
const curveClient = (cert: Certificate, serverKey: string) => ({
  curveServerKey: serverKey,
  curvePublicKey: cert.publicKey,
  curveSecretKey: cert.secretKey,
});

describe.runIf(hasPyzmq())("pyzmq's zmq.auth (ThreadAuthenticator) guarding a pyzmq server, our clients", () => {
  it("CURVE, configure_curve(location) over certificates we saved as x.key: ours there is served, another refused (400)", async () => {
    const dir = tempDir();
    const friend = createCertificate({ name: "ts-client", lab: "Plant Lab" });
    await saveCertificate(join(dir, "friend.key"), friend);
    await saveCertificate(join(dir, "colleague.key"), createCertificate({ name: "other" }));
    const server = await startServer(PYTHON, [AUTH_PEER, "curve-server", dir]);
    expect(await refusedOurs(server.endpoint, curveClient(createCertificate(), server.serverKey))).toEqual(REFUSED_400);
    expect(await servedOurs(server.endpoint, curveClient(friend, server.serverKey))).toBe("served hello");
    // pyzmq's User-Id for CURVE is the client's key in Z85; the stranger's request never got through.
    expect(await server.next()).toEqual({ request: "hello", userId: friend.publicKey });
  });

  const PASSWORDS = JSON.stringify({ admin: "secret" });
  const RIGHT = { plainUsername: "admin", plainPassword: "secret" };
  const WRONG = { plainUsername: "admin", plainPassword: "wrong" };

  it("PLAIN, configure_plain(passwords): the right password is served, a wrong one gets nothing through", async () => {
    const server = await startServer(PYTHON, [AUTH_PEER, "plain-server", PASSWORDS]);
    // libzmq 4.3's PLAIN server writes its ERROR's name as the C literal "\x05ERROR" (0x5E, then
    // "RROR": a hex escape takes every hex digit after it); ours reads that prefix as ERROR
    // (codec/command.ts), so the refusal comes as one, with its status, as the native package has it.
    expect(await refusedOurs(server.endpoint, WRONG)).toEqual(REFUSED_400);
    expect(await servedOurs(server.endpoint, RIGHT)).toBe("served hello");
    expect(await server.next()).toEqual({ request: "hello", userId: "admin" });
  });
});

describe.runIf(hasPyzmq())("our Authenticator guarding our server, pyzmq clients", () => {
  it("CURVE directory of pyzmq's create_certificates: its client is served, one not there gets no reply (refused 400, rule key)", async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const client = await python("create", dir, "client", JSON.stringify({ name: "py-client", lab: "Plant Lab" }));
    const stranger = await python("create", elsewhere, "stranger", "{}");
    const decisions: AuthDecision[] = [];
    await startAuthenticator({ curve: { directory: dir }, onDecision: (d) => decisions.push(d) });
    const serverCert = createCertificate();
    const rep = await ourServer({ curveServer: true, curveSecretKey: serverCert.secretKey });
    const endpoint = rep.lastEndpoint!;
    const [served, ignored] = await Promise.all([
      python("curve-client", endpoint, serverCert.publicKey, client.secretFile, "5000"),
      python("curve-client", endpoint, serverCert.publicKey, stranger.secretFile, "10000"),
    ]);
    expect(served).toEqual({ publicKey: client.public.publicKey, reply: "served hello from pyzmq" });
    // Refused: libzmq's monitor on the client gives the ZAP status (no waiting for a reply that cannot come).
    expect(ignored).toEqual({ publicKey: stranger.public.publicKey, refused: 400 });
    expect(decisions).toContainEqual(
      expect.objectContaining({
        mechanism: "CURVE",
        user: client.public.publicKey,
        allowed: true,
        status: 200,
        rule: "certificate",
        userId: client.public.publicKey,
      }),
    );
    expect(decisions).toContainEqual(
      expect.objectContaining({
        mechanism: "CURVE",
        user: stranger.public.publicKey,
        allowed: false,
        status: 400,
        rule: "key",
      }),
    );
  });
});

describe.runIf(hasPyzmq())("certificate files between pyzmq and us", () => {
  it("loadCertificate reads create_certificates' public and secret files: the keys load_certificate reads", async () => {
    const dir = tempDir();
    const metadata = { name: "py-device", lab: "Plant Lab", email: "lab@example.org" };
    const created = await python("create", dir, "device", JSON.stringify(metadata));
    expect(created.publicFile).toBe(join(dir, "device.key"));
    expect(created.secretFile).toBe(join(dir, "device.key_secret"));
    expect(created.public.secretKey).toBeNull();
    expect(created.secret.publicKey).toBe(created.public.publicKey);
    // pyzmq writes the metadata into the secret file only (zcert writes it into both).
    expect(await loadCertificate(created.publicFile)).toEqual({ publicKey: created.public.publicKey, metadata: {} });
    expect(await loadCertificate(created.secretFile)).toEqual({
      publicKey: created.secret.publicKey,
      secretKey: created.secret.secretKey,
      metadata,
    });
    const store = new CertificateStore(dir);
    expect(await store.certificates()).toEqual([{ publicKey: created.public.publicKey, metadata: {} }]);
  });

  it("pyzmq's load_certificate reads our files, and load_certificates(dir) finds our public keys (*.key only)", async () => {
    const dir = tempDir();
    const cert = createCertificate({ name: "ts-device", lab: "Plant Lab", quote: 'say "hi"' });
    const second = createCertificate();
    const zcertNamed = createCertificate();
    await saveCertificate(join(dir, "device.key"), cert);
    await saveCertificate(join(dir, "second.key"), second);
    await saveCertificate(join(dir, "zcert-named"), zcertNamed);
    expect(await python("load", join(dir, "device.key"), join(dir, "device.key_secret"))).toEqual([
      { publicKey: cert.publicKey, secretKey: null },
      { publicKey: cert.publicKey, secretKey: cert.secretKey },
    ]);
    // pyzmq looks at *.key files only: a certificate in zcert's naming is not found.
    expect(await python("load-dir", dir)).toEqual([cert.publicKey, second.publicKey].sort());
  });
});

/** Why the CZMQ peer cannot be built here (no gcc, no czmq.h), or undefined. */
function czmqMissing(): string | undefined {
  let reason: string | undefined;
  if (spawnSync("gcc", ["--version"], { stdio: "ignore" }).status !== 0) reason = "gcc not found";
  else if (
    spawnSync("gcc", ["-E", "-x", "c", "-"], { input: "#include <czmq.h>\n", stdio: ["pipe", "ignore", "ignore"] })
      .status !== 0
  )
    reason = "czmq.h not found: install Debian's libczmq-dev (apt-get install -y libczmq-dev)";
  // In CI the peer must be there (.ci/run installs it): its absence is a failure, not a skip.
  if (reason && process.env.CI) throw new Error(`the CZMQ interop tests cannot run: ${reason}`);
  if (reason) console.warn(`skipping the CZMQ interop tests: ${reason}`);
  return reason;
}

describe.skipIf(czmqMissing() !== undefined)("CZMQ (zcert, zcertstore, zauth): a C peer", () => {
  let buildDir: string;
  let peer: string;
  const czmq = (...args: string[]) => run(peer, args);

  beforeAll(async () => {
    buildDir = mkdtempSync(join(tmpdir(), "plantrpc-czmq-"));
    peer = join(buildDir, "czmq_peer");
    await new Promise<void>((resolve, reject) => {
      execFile("gcc", ["-o", peer, CZMQ_PEER_SOURCE, "-lczmq", "-lzmq"], { timeout: 60_000 }, (error, _, stderr) =>
        error ? reject(new Error(`cannot compile czmq_peer.c: ${stderr}`)) : resolve(),
      );
    });
  }, 60_000);

  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it("zcert_save's files (zcert naming, metadata): loadCertificate reads both, CertificateStore finds the certificate", async () => {
    const dir = tempDir();
    const path = join(dir, "camera");
    const made = await czmq("make-cert", path, "name=camera", "lab=Plant Lab", "email=lab@example.org");
    expect(made.saved).toBe(true);
    expect(made.metadata).toEqual({ name: "camera", lab: "Plant Lab", email: "lab@example.org" });
    expect(await loadCertificate(path)).toEqual({ publicKey: made.publicKey, metadata: made.metadata });
    expect(await loadCertificate(`${path}_secret`)).toEqual({
      publicKey: made.publicKey,
      secretKey: made.secretKey,
      metadata: made.metadata,
    });
    const store = new CertificateStore(dir);
    expect(await store.lookup(made.publicKey)).toEqual({ publicKey: made.publicKey, metadata: made.metadata });
    expect(await store.certificates()).toHaveLength(1); // camera_secret is not a client certificate
  });

  it("zcert_load reads what saveCertificate wrote (zcert naming, metadata): the same keys and metadata", async () => {
    const dir = tempDir();
    // A value with a double quote: we write it in single quotes, which zconfig reads.
    const cert = createCertificate({ name: "ts-camera", lab: "Plant Lab", quote: 'say "hi"' });
    await saveCertificate(join(dir, "camera"), cert);
    // zcert_load reads camera_secret when there is one.
    expect(await czmq("read-cert", join(dir, "camera"))).toEqual(cert);
    const publicOnly = join(dir, "public-only");
    await saveCertificate(publicOnly, { publicKey: cert.publicKey, metadata: cert.metadata });
    expect(await czmq("read-cert", publicOnly)).toEqual({ ...cert, secretKey: null });
  });

  it("zauth (CURVE <dir>) guarding a zcert REP: our clients whose certificates we saved there are served, another refused (400)", async () => {
    const dir = tempDir();
    const friend = createCertificate({ name: "ts-client", lab: "Plant Lab" });
    const pyzmqNamed = createCertificate({ name: "ts-client-2" });
    await saveCertificate(join(dir, "friend"), friend);
    await saveCertificate(join(dir, "friend-2.key"), pyzmqNamed);
    const server = await startServer(peer, ["zauth-server", dir, "name", "lab"]);
    expect(await refusedOurs(server.endpoint, curveClient(createCertificate(), server.serverKey))).toEqual(REFUSED_400);
    expect(await servedOurs(server.endpoint, curveClient(friend, server.serverKey))).toBe("served hello");
    // zauth gives the certificate's metadata with the User-Id (the key in Z85): libzmq's message properties.
    expect(await server.next()).toEqual({
      request: "hello",
      userId: friend.publicKey,
      properties: { name: "ts-client", lab: "Plant Lab" },
    });
    expect(await servedOurs(server.endpoint, curveClient(pyzmqNamed, server.serverKey))).toBe("served hello");
    expect(await server.next()).toEqual({
      request: "hello",
      userId: pyzmqNamed.publicKey,
      properties: { name: "ts-client-2", lab: null },
    });
  });

  it("our Authenticator over a directory: a CZMQ client whose zcert it saved there is served, another gets no reply", async () => {
    const dir = tempDir();
    const decisions: AuthDecision[] = [];
    await startAuthenticator({ curve: { directory: dir }, onDecision: (d) => decisions.push(d) });
    const serverCert = createCertificate();
    const rep = await ourServer({ curveServer: true, curveSecretKey: serverCert.secretKey });
    const endpoint = rep.lastEndpoint!;
    // One after the other: the first saves its certificate into the directory as it starts.
    const served = await czmq("client", endpoint, serverCert.publicKey, join(dir, "czmq-client"), "5000");
    expect(served.reply).toBe("served hello from czmq");
    const ignored = await czmq("client", endpoint, serverCert.publicKey, "-", "1500");
    expect(ignored.timeout).toBe(true);
    expect(await new CertificateStore(dir).certificates()).toEqual([
      { publicKey: served.publicKey, metadata: { name: "czmq-client" } },
    ]);
    expect(decisions).toContainEqual(
      expect.objectContaining({
        mechanism: "CURVE",
        user: served.publicKey,
        allowed: true,
        status: 200,
        rule: "certificate",
        userId: served.publicKey,
      }),
    );
    expect(decisions).toContainEqual(
      expect.objectContaining({
        mechanism: "CURVE",
        user: ignored.publicKey,
        allowed: false,
        status: 400,
        rule: "key",
      }),
    );
    expect(decisions.filter((d) => d.allowed).map((d) => d.user)).toEqual([served.publicKey]);
  });
});

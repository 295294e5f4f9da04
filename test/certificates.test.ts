import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  CertificateStore,
  createCertificate,
  curveKeyPair,
  curvePublicKey,
  formatCertificate,
  loadCertificate,
  parseCertificate,
  saveCertificate,
  ZmqError,
} from "../src/zmq/index.js";
import { parsePasswords, PasswordFile } from "../src/zmq/auth/password-file.js";
import { settle } from "../conformance/helpers/wait.js";

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "plantrpc-certs-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PAIR = curveKeyPair();

/** A secret certificate as CZMQ's zcert_save writes one (comments, quoted values). */
const ZCERT = `#   ****  Generated on 2026-12-07 10:00:00 by CZMQ  ****
#   ZeroMQ CURVE **Secret** Certificate
#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.

metadata
    name = "camera 1"
    email = "lab@example.org"
curve
    public-key = "${PAIR.publicKey}"
    secret-key = "${PAIR.secretKey}"
`;

/** A public certificate as pyzmq's create_certificates writes one (bare metadata values). */
const PYZMQ = `#   ****  Generated on 2026-12-07 10:00:00.123456 by pyzmq  ****
#   ZeroMQ CURVE Public Certificate
metadata
    name = camera 1
curve
    public-key = "${PAIR.publicKey}"
`;

describe("certificates as zcert and pyzmq write them", () => {
  it("reads zcert's secret certificate: both keys and the metadata, in order", () => {
    const cert = parseCertificate(ZCERT);
    expect(cert).toEqual({ ...PAIR, metadata: { name: "camera 1", email: "lab@example.org" } });
    expect(Object.keys(cert.metadata)).toEqual(["name", "email"]);
  });

  it("reads pyzmq's public certificate (bare metadata values)", () => {
    expect(parseCertificate(PYZMQ)).toEqual({ publicKey: PAIR.publicKey, metadata: { name: "camera 1" } });
  });

  it("writes what it reads back, public and secret, metadata kept", () => {
    const cert = { ...PAIR, metadata: { name: 'it\'s "quoted"x'.replace("'", ""), site: "greenhouse 2" } };
    const secret = formatCertificate(cert, { secret: true });
    const publicText = formatCertificate(cert);
    expect(parseCertificate(secret)).toEqual(cert);
    expect(parseCertificate(publicText)).toEqual({ publicKey: cert.publicKey, metadata: cert.metadata });
    expect(publicText).not.toContain(PAIR.secretKey);
    expect(publicText).toMatch(
      /^# {3}\*\*\*\* {2}Generated on .* by plantrpc {2}\*\*\*\*\n# {3}ZeroMQ CURVE Public Certificate\n/,
    );
    expect(secret).toContain(`curve\n    public-key = "${PAIR.publicKey}"\n    secret-key = "${PAIR.secretKey}"\n`);
  });

  it("any metadata ZPL can hold reads back as written (property)", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9$_@.&+-][A-Za-z0-9$_@.&+/-]{0,15}$/).filter((n) => !n.endsWith("/"));
    const value = fc
      .string({ maxLength: 30 })
      .filter((v) => !/[\r\n]/.test(v) && !(v.includes('"') && v.includes("'")));
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 5 }), (metadata) => {
        const cert = { ...PAIR, metadata };
        expect(parseCertificate(formatCertificate(cert, { secret: true }))).toEqual(cert);
      }),
    );
  });

  it("refuses, with a typed error saying why: no public key, a key not Z85, keys that do not belong together, not ZPL", () => {
    const other = curveKeyPair();
    const cases: [string, RegExp][] = [
      ["metadata\n", /no curve\/public-key/],
      [`curve\n    public-key = "${PAIR.publicKey.slice(1)}"\n`, /public-key is not 40 characters of Z85/],
      [`curve\n    public-key = "${PAIR.publicKey}"\n    secret-key = "${other.secretKey}"\n`, /does not belong/],
      [`curve\n  public-key = "${PAIR.publicKey}"\n`, /line 2: indent in steps of four spaces/],
      [`curve\n    public-key = "${PAIR.publicKey}\n`, /missing closing "/],
      [`curve\n        public-key = "x"\n`, /deeper than the item above/],
      ["curve !\n", /expected "=" after curve/],
    ];
    for (const [text, why] of cases) {
      const error = (() => {
        try {
          parseCertificate(text, "cert.key");
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ZmqError);
      expect(error).toMatchObject({ code: "EINVAL" });
      expect((error as Error).message).toMatch(/^cert\.key: /);
      expect((error as Error).message).toMatch(why);
    }
  });

  it("refuses to write metadata ZPL cannot hold, and a secret file without the secret key", () => {
    expect(() => formatCertificate({ ...PAIR, metadata: { "bad name": "x" } })).toThrow(/not a ZPL name/);
    expect(() => formatCertificate({ ...PAIR, metadata: { n: "line\nbreak" } })).toThrow(/line breaks/);
    expect(() => formatCertificate({ ...PAIR, metadata: { n: `both " and '` } })).toThrow(/both kinds of quote/);
    expect(() => formatCertificate({ publicKey: PAIR.publicKey, metadata: {} }, { secret: true })).toThrow(
      /needs secretKey/,
    );
  });

  it("a metadata name __proto__ is data, not the object's prototype", () => {
    const cert = parseCertificate(`metadata\n    __proto__ = "x"\ncurve\n    public-key = "${PAIR.publicKey}"\n`);
    expect(Object.getPrototypeOf(cert.metadata)).toBe(Object.prototype);
    expect(Object.entries(cert.metadata)).toEqual([["__proto__", "x"]]);
  });

  it("curvePublicKey gives the public key of a secret key, and refuses what is not one", () => {
    expect(curvePublicKey(PAIR.secretKey)).toBe(PAIR.publicKey);
    expect(() => curvePublicKey("short")).toThrow(ZmqError);
  });
});

describe("certificate files", () => {
  it("saves as zcert and pyzmq name them: the path, and the path with _secret (owner-only)", async () => {
    const dir = scratch();
    const cert = createCertificate({ name: "client" });
    expect(cert.metadata).toEqual({ name: "client" });
    const pyzmqStyle = await saveCertificate(join(dir, "client.key"), cert);
    expect(pyzmqStyle).toEqual({ publicFile: join(dir, "client.key"), secretFile: join(dir, "client.key_secret") });
    const zcertStyle = await saveCertificate(join(dir, "client"), cert);
    expect(zcertStyle.secretFile).toBe(join(dir, "client_secret"));
    expect(statSync(pyzmqStyle.secretFile!).mode & 0o777).toBe(0o600);
    expect(await loadCertificate(pyzmqStyle.secretFile!)).toEqual(cert);
    expect(await loadCertificate(pyzmqStyle.publicFile)).toEqual({
      publicKey: cert.publicKey,
      metadata: cert.metadata,
    });
    // A certificate without its secret key is saved as the public file only.
    expect(await saveCertificate(join(dir, "peer.key"), { publicKey: cert.publicKey, metadata: {} })).toEqual({
      publicFile: join(dir, "peer.key"),
    });
  });

  it("an overwritten secret certificate is made owner-only again", async () => {
    const path = join(scratch(), "camera");
    await saveCertificate(path, createCertificate());
    chmodSync(`${path}_secret`, 0o644);
    await saveCertificate(path, createCertificate());
    expect(statSync(`${path}_secret`).mode & 0o777).toBe(0o600);
  });

  it("a missing file is ENOENT, naming the path", async () => {
    const path = join(scratch(), "nothing.key");
    await expect(loadCertificate(path)).rejects.toMatchObject({
      code: "ENOENT",
      message: expect.stringContaining(path),
    });
  });
});

describe("CertificateStore", () => {
  it("finds the public keys of the certificates in a directory and its subdirectories, never a secret file's", async () => {
    const dir = scratch();
    const a = createCertificate({ name: "a" });
    const b = createCertificate({ name: "b" });
    await saveCertificate(join(dir, "a.key"), a);
    mkdirSync(join(dir, "team"));
    await saveCertificate(join(dir, "team", "b"), b);
    const store = new CertificateStore(dir);
    expect(await store.lookup(a.publicKey)).toEqual({ publicKey: a.publicKey, metadata: { name: "a" } });
    expect(await store.lookup(b.publicKey)).toEqual({ publicKey: b.publicKey, metadata: { name: "b" } });
    expect(await store.lookup(curveKeyPair().publicKey)).toBeUndefined();
    // What it holds is public: the secret keys of the _secret files beside are not read.
    expect((await store.certificates()).every((c) => c.secretKey === undefined)).toBe(true);
    expect(await store.certificates()).toHaveLength(2);
  });

  it("sees certificates added, changed and removed at the next lookup", async () => {
    const dir = scratch();
    const store = new CertificateStore(dir);
    const a = createCertificate();
    expect(await store.lookup(a.publicKey)).toBeUndefined();
    await saveCertificate(join(dir, "a.key"), a);
    expect(await store.lookup(a.publicKey)).toBeDefined();
    // Replaced in place by another key: the old one no longer counts.
    const b = createCertificate();
    writeFileSync(join(dir, "a.key"), formatCertificate(b));
    utimesSync(join(dir, "a.key"), new Date(), new Date(Date.now() + 5000));
    expect(await store.lookup(a.publicKey)).toBeUndefined();
    expect(await store.lookup(b.publicKey)).toBeDefined();
    rmSync(join(dir, "a.key"));
    expect(await store.lookup(b.publicKey)).toBeUndefined();
  });

  it("a lookup that starts after a certificate was saved finds it, even while an earlier reading is under way", async () => {
    const dir = scratch();
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, `c${i}`), formatCertificate(createCertificate()));
    const store = new CertificateStore(dir);
    await store.refresh();
    writeFileSync(join(dir, "changed"), formatCertificate(createCertificate()));
    const earlier = store.lookup(PAIR.publicKey); // a reading of the 201 files, under way
    await settle(3); // pacing: lets it list the directory first (whatever the wait, the outcome must be the same)
    const late = createCertificate();
    writeFileSync(join(dir, "late"), formatCertificate(late));
    expect(await store.lookup(late.publicKey)).toBeDefined();
    await earlier;
  });

  it("skips a file that is not a certificate, telling once, and keeps the others", async () => {
    const dir = scratch();
    const a = createCertificate();
    await saveCertificate(join(dir, "a.key"), a);
    writeFileSync(join(dir, "README"), "certificates of the lab's clients\n");
    const skipped: string[] = [];
    const store = new CertificateStore(dir, { onSkipped: (path, e) => skipped.push(`${path}: ${e.message}`) });
    expect(await store.lookup(a.publicKey)).toBeDefined();
    await saveCertificate(join(dir, "b.key"), createCertificate());
    expect(await store.certificates()).toHaveLength(2);
    expect(skipped).toEqual([expect.stringMatching(/README: .*not a certificate/)]);
  });

  it("a directory that does not exist is ENOENT at lookup", async () => {
    const store = new CertificateStore(join(scratch(), "absent"));
    await expect(store.lookup(PAIR.publicKey)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("password files (zauth's format)", () => {
  it("reads name=password lines, skipping comments and lines without a name", () => {
    const text = "# lab users\nadmin=secret\n=nobody\nnoequals\nbob=pa=ss\r\nadmin=newer\n";
    expect([...parsePasswords(text)]).toEqual([
      ["admin", "newer"],
      ["bob", "pa=ss"],
    ]);
  });

  it("is read again when it changes", async () => {
    const path = join(scratch(), "passwords");
    writeFileSync(path, "admin=one\n");
    const file = new PasswordFile(path);
    expect(await file.lookup("admin")).toBe("one");
    writeFileSync(path, "admin=two\nbob=three\n");
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(await file.lookup("admin")).toBe("two");
    expect(await file.lookup("bob")).toBe("three");
    rmSync(path);
    await expect(file.lookup("admin")).rejects.toMatchObject({ code: "ENOENT" });
  });
});

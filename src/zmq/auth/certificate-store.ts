// A directory of client certificates, as CZMQ's zcertstore reads one (and pyzmq's
// load_certificates): every file in it and its subdirectories but secret certificates (names
// ending in `_secret`), looked up by public key; read again when the directory changes.
import { z85Encode } from "../mechanism/z85.js";
import type { Certificate } from "./certificate.js";
import { parseCertificate } from "./certificate.js";
import { type FileEntry, listFiles, readText } from "./files.js";

/** Options of `new CertificateStore()`. */
export interface CertificateStoreOptions {
  /**
   * Called once for each file in the directory that is not a certificate (or cannot be read),
   * with why; such files are skipped, as zcertstore does. Default: ignored.
   */
  onSkipped?: (path: string, error: Error) => void;
}

/** What shows that the directory changed: every file's path, size and modification time. */
const signatureOf = (files: readonly FileEntry[]) => files.map((f) => `${f.path}\0${f.size}\0${f.modified}`).join("\n");

/**
 * Client certificates in a directory, by public key. Each lookup first checks the directory
 * (its files' names, sizes and times) and reads it again when anything changed, so certificates
 * added or removed count from the next handshake on, as with zauth.
 */
export class CertificateStore {
  private byKey = new Map<string, Certificate>();
  private signature: string | undefined;
  private refreshing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly skipped = new Set<string>();

  /** A store over `directory`, read at the first lookup. */
  constructor(
    /** The directory. */
    readonly directory: string,
    private readonly options: CertificateStoreOptions = {},
  ) {}

  /**
   * The certificate whose public key this is (Z85 text, or 32 octets), or undefined. Rejects
   * with a ZmqError when the directory cannot be read (ENOENT when it does not exist).
   */
  async lookup(publicKey: string | Uint8Array): Promise<Certificate | undefined> {
    await this.refresh();
    const key = typeof publicKey === "string" ? publicKey : publicKey.length === 32 ? z85Encode(publicKey) : "";
    return this.byKey.get(key);
  }

  /** Every certificate in the directory, as read now. */
  async certificates(): Promise<Certificate[]> {
    await this.refresh();
    return [...this.byKey.values()];
  }

  /**
   * Reads the directory again if it changed; concurrent callers share one reading. A caller
   * arriving while a reading is under way waits for the next one (shared by all who arrive
   * meanwhile): the one under way may have listed the directory before a change it must see.
   */
  refresh(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    if (this.refreshing === undefined) return this.read();
    const next = () => {
      this.queued = undefined;
      return this.read();
    };
    this.queued = this.refreshing.then(next, next);
    return this.queued;
  }

  /** Starts a reading of the directory, known as the one under way until it ends. */
  private read(): Promise<void> {
    const reading: Promise<void> = this.reread().finally(() => {
      if (this.refreshing === reading) this.refreshing = undefined;
    });
    this.refreshing = reading;
    return reading;
  }

  /** Lists the directory and, when anything changed, reads every certificate again. */
  private async reread(): Promise<void> {
    const files = (await listFiles(this.directory)).filter((f) => !f.path.endsWith("_secret"));
    const signature = signatureOf(files);
    if (signature === this.signature) return;
    const byKey = new Map<string, Certificate>();
    for (const file of files) {
      try {
        const cert = parseCertificate(await readText(file.path), file.path);
        // What a store holds is public: a secret key found in a file here is not kept.
        byKey.set(cert.publicKey, { publicKey: cert.publicKey, metadata: cert.metadata });
      } catch (e) {
        this.skip(file, e as Error);
      }
    }
    this.byKey = byKey;
    this.signature = signature;
  }

  /** Tells onSkipped of a file that is not a certificate, once for each version of it. */
  private skip(file: FileEntry, error: Error): void {
    const id = `${file.path}\0${file.size}\0${file.modified}`;
    if (this.skipped.has(id)) return;
    this.skipped.add(id);
    this.options.onSkipped?.(file.path, error);
  }
}

// PLAIN passwords in a file, as CZMQ's zauth reads them (zhashx_load): one `name=password` per
// line; lines starting with `#`, and lines with no `=` or nothing before it, are skipped. The
// file is read again when it changes.
import { fileEntry, readText } from "./files.js";

/** Reads password-file text: user name to password (the last line for a name wins). */
export function parsePasswords(text: string): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const equals = line.indexOf("=");
    if (line.startsWith("#") || equals <= 0) continue;
    passwords.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return passwords;
}

/** A password file, read again (on the next lookup) whenever its size or time changes. */
export class PasswordFile {
  private passwords = new Map<string, string>();
  private stamp: string | undefined;

  constructor(
    /** The file. */
    readonly path: string,
  ) {}

  /**
   * The password of a user, or undefined. Rejects with a ZmqError when the file cannot be read
   * (ENOENT when it does not exist).
   */
  async lookup(user: string): Promise<string | undefined> {
    const entry = await fileEntry(this.path);
    const stamp = entry ? `${entry.size}\0${entry.modified}` : undefined;
    if (stamp === undefined || stamp !== this.stamp) {
      this.passwords = parsePasswords(await readText(this.path));
      this.stamp = stamp;
    }
    return this.passwords.get(user);
  }
}

// What the authenticator and the certificate API read and write on disk, in one place so that a
// web page's build can put files.browser.ts in its stead (a page has no files).
import { chmod, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { plainError, type ZmqError, type ZmqErrorCode } from "../errors.js";

/** A regular file under a directory: its path, size and modification time (what changes show). */
export interface FileEntry {
  path: string;
  size: number;
  modified: number;
}

/** The error of a failed file operation, with the path and the system's code where it has one. */
export function fileError(path: string, e: unknown, doing: string): ZmqError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const known: ZmqErrorCode = code === "ENOENT" || code === "EACCES" ? code : "EINVAL";
  return plainError(known, `cannot ${doing} ${path}: ${(e as Error)?.message ?? String(e)}`);
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw fileError(path, e, "read");
  }
}

/** Writes a file; `secret` makes it readable by its owner only, as zcert and pyzmq do for secret keys. */
export async function writeText(path: string, text: string, secret = false): Promise<void> {
  try {
    await writeFile(path, text, secret ? { mode: 0o600 } : {});
    // The mode applies to a file made here; one overwritten keeps its own, so set it.
    if (secret) await chmod(path, 0o600);
  } catch (e) {
    throw fileError(path, e, "write");
  }
}

/** Size and modification time of one file; undefined when it does not exist. */
export async function fileEntry(path: string): Promise<FileEntry | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size, modified: s.mtimeMs } : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === "ENOENT") return undefined;
    throw fileError(path, e, "read");
  }
}

/** Whether a path is a directory (false when it does not exist). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The regular files under a directory and its subdirectories (links followed, as zcertstore
 * does), sorted by path. Throws a ZmqError when the directory cannot be read.
 */
export async function listFiles(directory: string, depth = 0): Promise<FileEntry[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (e) {
    throw fileError(directory, e, "list");
  }
  const found: FileEntry[] = [];
  for (const name of names.sort()) {
    const path = join(directory, name);
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(path);
    } catch {
      continue; // removed meanwhile, or a dangling link
    }
    if (s.isFile()) found.push({ path, size: s.size, modified: s.mtimeMs });
    // Bounded depth: a link to a parent directory would otherwise loop.
    else if (s.isDirectory() && depth < 8) found.push(...(await listFiles(path, depth + 1)));
  }
  return found;
}

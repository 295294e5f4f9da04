// files.ts in a web page: a page has no files, so certificates and password files cannot be read
// there (a page speaks NULL over ws:// anyway).
import { plainError, type ZmqError } from "../errors.js";
import type { FileEntry } from "./files.js";

export type { FileEntry } from "./files.js";

const absent = (what: string) =>
  plainError("ENOTSUP", `${what} is not available in a web page: certificates and password files are files`);

export function fileError(path: string, _e: unknown, doing: string): ZmqError {
  return absent(`to ${doing} ${path}`);
}
export async function readText(path: string): Promise<string> {
  throw absent(`reading ${path}`);
}
export async function writeText(path: string, _text: string, _secret = false): Promise<void> {
  throw absent(`writing ${path}`);
}
export async function fileEntry(path: string): Promise<FileEntry | undefined> {
  throw absent(`reading ${path}`);
}
export async function isDirectory(_path: string): Promise<boolean> {
  return false;
}
export async function listFiles(directory: string): Promise<FileEntry[]> {
  throw absent(`listing ${directory}`);
}

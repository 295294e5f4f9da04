/**
 * Scripts run as child processes under both libraries (the native package and our built
 * `dist/zmq`), for the differential scenarios that need a process of their own: when it ends,
 * what its worker threads do.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { nativeMissing } from "./harness.js";

const ROOT = join(import.meta.dirname, "..", "..");
const OURS = join(ROOT, "dist", "zmq", "index.js");

/** Both libraries by file URL, so that a worker's code (a data: URL) can import them too. */
export const LIBRARIES = (() => {
  try {
    return {
      theirs: pathToFileURL(createRequire(join(ROOT, "package.json")).resolve("zeromq")).href,
      mine: pathToFileURL(OURS).href,
    };
  } catch {
    return undefined;
  }
})();

/** Why these scenarios cannot run here (no native package, or no build), or undefined. */
export const processesMissing =
  nativeMissing ?? (!existsSync(OURS) ? "dist/ is not built" : !LIBRARIES ? "zeromq not found" : undefined);

export interface Outcome {
  /** "exited N", or "still running" when the time limit was reached. */
  ended: string;
  /**
   * The native package's warning about queued messages at exit, as its line reads (the pid as
   * PID), or false: its words compared exactly, on a line of its own.
   */
  warned: string | false;
  stdout: string;
  stderr: string;
}

/** Runs `body` as an ES module script with `z` the library; killed after `limitMs`. */
export function runScript(library: string, body: string, limitMs: number): Promise<Outcome> {
  const script = `const z = await import(${JSON.stringify(library)});\n${body}`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({
        ended: code === null ? "still running" : `exited ${code}`,
        warned:
          /^.*WARNING: Waiting for queued ZeroMQ messages to be delivered.*$/m
            .exec(stderr)?.[0]
            .replace(/\(node:\d+\)/, "(node:PID)") ?? false,
        stdout: stdout.trim(),
        stderr,
      });
    });
  });
}

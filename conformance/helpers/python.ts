import { spawnSync } from "node:child_process";

/** Debian's interpreter: the one python3-zmq installs into (not a pyenv python3 on PATH). */
export const PYTHON = process.env.PLANTRPC_PYTHON ?? "/usr/bin/python3";

let cached: boolean | undefined;

/** True when pyzmq can be imported; in CI its absence is a failure, not a skip. */
export function hasPyzmq(): boolean {
  if (cached === undefined) {
    cached = spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;
    if (!cached) {
      const message = `pyzmq not importable by ${PYTHON}: install Debian's python3-zmq (apt-get install -y python3-zmq)`;
      if (process.env.CI) throw new Error(message);
      console.warn(`skipping libzmq conformance: ${message}`);
    }
  }
  return cached;
}

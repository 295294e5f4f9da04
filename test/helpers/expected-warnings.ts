/**
 * A vitest setup file (vitest.config.ts): the warnings that tests provoke on purpose (a refused
 * WebSocket, an option set after bind, as the native package warns, the draft API's notice, a
 * registry listener that throws, the v5 API's monitor() arguments) are not printed, so that npm test prints only what a reader
 * must look at; any other warning (MaxListenersExceededWarning, a deprecation...) is printed as
 * Node prints it. Every warning is still emitted: tests that listen for them, or spy on
 * process.emitWarning, see them all (the differential harness compares them).
 */
const PROVOKED = [
  /^refused a WebSocket to /,
  /^Socket option will not take effect until next connect\/bind\.$/,
  /^Value is larger than Number\.MAX_SAFE_INTEGER and may have been rounded inaccurately\.$/,
  /^ZeroMQ draft features are experimental and could change at any time\.$/,
  /^an? "[a-z]+" listener of the device registry threw/,
  /^Arguments to monitor\(\) are ignored in compatibility mode; all events are read automatically$/,
  /^allowKeys: .* is not a client certificate, skipped/,
];

// Node's own printer is the one 'warning' listener a process starts with: this one replaces it.
process.removeAllListeners("warning");
process.on("warning", (warning: Error) => {
  if (PROVOKED.some((p) => p.test(warning.message))) return;
  process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
});

/**
 * Where curve-worker.mjs is: beside this module, in src/ as in dist/ (the build copies it). The
 * CommonJS build has no import.meta: scripts/build.mjs rewrites the expression there.
 */
export function curveWorkerUrl(): URL {
  // biome-ignore lint/suspicious/noTsIgnore: import.meta is refused by tsc for CommonJS, rewritten by the build
  // @ts-ignore
  return new URL("./curve-worker.mjs", import.meta.url);
}

export { CHECKS, type CheckOptions } from "./checks.js";
export type { CheckResult, CheckStatus } from "./outcome.js";
export { type CheckReport, checkDevice, formatReport } from "./run.js";

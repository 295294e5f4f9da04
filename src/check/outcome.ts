/** The verdict of one check. "known": a defect the Python reference is known to have. */
export type CheckStatus = "pass" | "fail" | "skip" | "known";

export interface Outcome {
  status: CheckStatus;
  /** One line: what was seen. */
  reason: string;
}

export interface CheckResult extends Outcome {
  id: string;
  title: string;
}

export const pass = (reason: string): Outcome => ({ status: "pass", reason });
export const fail = (reason: string): Outcome => ({ status: "fail", reason });
export const skip = (reason: string): Outcome => ({ status: "skip", reason });

/**
 * A failure that protocol-spec lists as a defect of the Python reference: reported as "known"
 * with --reference-compatible, as a failure (saying so) without.
 */
export function referenceDefect(referenceCompatible: boolean, reason: string): Outcome {
  return referenceCompatible
    ? { status: "known", reason: `known reference defect: ${reason}` }
    : { status: "fail", reason: `${reason} (a known defect of the Python reference; see --reference-compatible)` };
}

/**
 * Where library code reports what it cannot hand back to a caller (a user's listener that
 * threw). Library code never writes to the console itself.
 */
export interface Logger {
  /** Reports a problem that did not stop anything (a listener that threw, a device that went away). */
  warn(message: string, cause?: unknown): void;
}

/**
 * The default: a process warning (`process.on("warning")` sees it; Node prints it unless run with
 * --no-warnings), so that a failing listener is neither silent nor fatal.
 */
export const processWarningLogger: Logger = {
  warn(message, cause) {
    const detail = cause instanceof Error ? (cause.stack ?? cause.message) : cause === undefined ? "" : String(cause);
    const proc = (globalThis as { process?: { emitWarning?: (w: string, o: object) => void } }).process;
    proc?.emitWarning?.(message, { type: "PlantrpcWarning", detail });
  },
};
